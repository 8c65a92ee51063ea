import { AlarmsAndEventLedger1797500000000 } from './1797500000000-alarms-and-event-ledger';

/** Alarm rules, alarms, the event ledger and its delivery backlog, evaluation checkpoints. */
export const eventsMigrations: Function[] = [AlarmsAndEventLedger1797500000000];
