// Salt purposes for pairHash: the high bits say what a hash decides, the low 8 bits carry the
// fragment position, so that every decision draws independent randomness. Part of the
// persistent placement function: never renumber.
export const SALT_FIRST_CHOICE = 0x000;
export const SALT_COUNT_RANK = 0x100;
export const SALT_SPREAD = 0x200;
export const SALT_RETRY = 0x300;
export const SALT_SHARE = 0x400;
