import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module';
import { StorageStatusService } from './storage-status.service';
import { QuarantineController } from './quarantine.controller';
import { StorageController } from './storage.controller';

/** Admin endpoints over HybridStorageModule (global) and the Kafka admin client. */
@Module({
  imports: [IngestModule],
  controllers: [StorageController, QuarantineController],
  providers: [StorageStatusService],
})
export class StorageModule {}
