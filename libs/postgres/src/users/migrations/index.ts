import { CreateUsers1767312000100 } from './1767312000100-create-users';
import { TokenRevocations1796200000300 } from './1796200000300-token-revocations';

/** Users, login throttling, token versions and the revocation outbox. */
export const usersMigrations: Function[] = [CreateUsers1767312000100, TokenRevocations1796200000300];
