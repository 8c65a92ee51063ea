import { Module } from '@nestjs/common';
import { IngestMetrics } from './ingest.metrics';

/** Registers the app's metrics on the registry that MetricsModule (observability) serves. */
@Module({
  providers: [IngestMetrics],
  exports: [IngestMetrics],
})
export class DataProcessingMetricsModule {}
