// Name rules from devicetree specification v0.4: node names (2.2.1, table 2.1) and property
// names (2.2.4, table 2.2). Checked at write time so a bad name fails where it was made,
// not later inside dtc or the guest kernel.

/** node-name[@unit-address]; both parts use the table 2.1 characters. */
const NODE_NAME = /^[A-Za-z0-9,._+-]+(@[A-Za-z0-9,._+-]+)?$/;
/** Table 2.2 adds '?' and '#' (as in '#address-cells') to the node name characters. */
const PROPERTY_NAME = /^[A-Za-z0-9,._+?#-]+$/;

/** Why `name` is not a valid node name, or undefined when it is. The root's '' is handled by the caller. */
export function nodeNameProblem(name: string): string | undefined {
  if (NODE_NAME.test(name)) return undefined;
  if (name === '') return 'it is empty (only the root node has an empty name)';
  if (name.split('@').length > 2) return "it has more than one '@'";
  if (name.startsWith('@') || name.endsWith('@')) return "the part before or after '@' is empty";
  return 'allowed characters are A-Z a-z 0-9 , . _ + - and one @ before the unit address';
}

/** Why `name` is not a valid property name, or undefined when it is. */
export function propertyNameProblem(name: string): string | undefined {
  if (PROPERTY_NAME.test(name)) return undefined;
  if (name === '') return 'it is empty';
  return 'allowed characters are A-Z a-z 0-9 , . _ + ? # -';
}
