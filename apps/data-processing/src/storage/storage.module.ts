import { Module } from '@nestjs/common';
import { AggregatesModule } from '../aggregates/aggregates.module';
import { IngestModule } from '../ingest/ingest.module';
import { ReadingsDeletionController } from './readings-deletion.controller';
import { RetentionJob } from './retention.job';
import { StorageStatusService } from './storage-status.service';
import { QuarantineController } from './quarantine.controller';
import { StorageController } from './storage.controller';

/** Admin endpoints over HybridStorageModule (global) and the Kafka admin client. */
@Module({
  imports: [IngestModule, AggregatesModule],
  controllers: [StorageController, QuarantineController, ReadingsDeletionController],
  providers: [StorageStatusService, RetentionJob],
  exports: [RetentionJob],
})
export class StorageModule {}
