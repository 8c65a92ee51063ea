import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EVENT_HISTORY_MODEL, EventHistorySchema } from './event-history.schema';
import { MongoEventHistoryStore } from './mongo-event-history.store';

/** MongoDB's event history adapter (`event_history`; indexes built at start-up). Needs MongoModule.forRootAsync. */
@Module({
  imports: [MongooseModule.forFeature([{ name: EVENT_HISTORY_MODEL, schema: EventHistorySchema }])],
  providers: [MongoEventHistoryStore],
  exports: [MongoEventHistoryStore],
})
export class MongoEventsModule {}
