import { Module } from '@nestjs/common';
import { DataProcessingMetricsModule } from '../metrics/metrics.module';
import { IngestBatchProcessor } from './ingest-batch.processor';
import { IngestConsumer } from './ingest.consumer';
import { INGEST_SETTINGS, readIngestSettings } from './ingest.settings';

/**
 * Kafka ingest. Needs the global KafkaModule (client, DLQ publisher) and HybridStorageModule
 * imported by AppModule.
 */
@Module({
  imports: [DataProcessingMetricsModule],
  providers: [{ provide: INGEST_SETTINGS, useFactory: () => readIngestSettings() }, IngestBatchProcessor, IngestConsumer],
  exports: [IngestConsumer],
})
export class IngestModule {}
