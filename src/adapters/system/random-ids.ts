import { randomInt, randomUUID } from 'node:crypto';
import { Ids } from '../../ports/ids';

// No 0/O, 1/I/L: request ids are read off a card and typed on a phone.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export const randomIds: Ids = {
  requestId: () => `SOA-${Array.from({ length: 6 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')}`,
  uuid: () => randomUUID(),
};
