export { MongoEventsModule } from './mongo-events.module';
export { MongoEventHistoryStore } from './mongo-event-history.store';
export { EVENT_HISTORY_COLLECTION, EVENT_HISTORY_MODEL, EventHistorySchema } from './event-history.schema';
export type { EventHistoryDocument } from './event-history.schema';
