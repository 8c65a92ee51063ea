import { Module } from '@nestjs/common';
import { DataProcessingMetricsModule } from '../metrics/metrics.module';
import { IngestBatchProcessor } from './ingest-batch.processor';
import { IngestController } from './ingest.controller';
import { INGEST_SETTINGS, readIngestSettings } from './ingest.settings';

/**
 * Kafka ingest: the batch-mode @EventPattern handlers of the app's Kafka transport (see
 * app.ts). Needs the global KafkaModule (DLQ publisher) and HybridStorageModule imported by
 * AppModule.
 */
@Module({
  imports: [DataProcessingMetricsModule],
  controllers: [IngestController],
  providers: [{ provide: INGEST_SETTINGS, useFactory: () => readIngestSettings() }, IngestBatchProcessor],
  exports: [INGEST_SETTINGS],
})
export class IngestModule {}
