import { CreateUsers1767312000100 } from './1767312000100-create-users';

/** Users and login throttling. */
export const usersMigrations: Function[] = [CreateUsers1767312000100];
