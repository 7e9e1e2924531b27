/**
 * Word pools for the bench's synthetic people: the duplicate scan's shop and the backfill's export draw
 * from the same ones. Large enough that strangers sharing a name rarely share a street, a city and a
 * postcode too, as in a real shop (a dozen names on one street would make every look-alike a duplicate).
 */
const words = (text: string): readonly string[] => text.trim().split(/\s+/);

export const GIVEN_NAMES = words(`james olivia jack charlotte william ava thomas mia noah chloe ethan emily lucas grace
  liam sophie joshua isabella ryan ella samuel ruby daniel lily benjamin zoe matthew hannah alexander amelia henry
  jessica oscar sarah lachlan georgia harrison madison cooper emma riley jasmine max holly jacob lucy isaac scarlett
  harry kate`);
export const SURNAMES = words(`smith jones williams brown wilson taylor johnson white martin anderson thompson nguyen
  thomas walker harris lee ryan robinson kelly king davis wright evans roberts green hall wood jackson clarke patel
  khan lewis james phillips mitchell campbell young allen scott morris baker turner hill cooper ward edwards collins
  watson bennett carter stewart murphy hughes price bell kennedy morgan moore reid ross graham russell ellis murray
  hunt fraser harrison chapman dixon hamilton simpson webb butler barnes fisher henderson holmes`);
export const STREETS = words(`george victoria elizabeth high church park railway king queen william albert main mary
  edward charles john station hill wattle james bridge river ocean forest`);
export const CITIES = words(`richmond springfield kensington carlton newtown brighton hawthorn paddington glenelg
  fremantle toowong woollahra hobart ballarat bendigo geelong mildura wagga dubbo orange`);
