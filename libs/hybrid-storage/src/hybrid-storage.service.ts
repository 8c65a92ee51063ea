import { Inject, Injectable } from '@nestjs/common';
import type { BacklogStatus } from './backlog/backlog.service';
import type { MeterReading, MeterReadingRecord, ReadSource, SensorReading, SensorReadingRecord, StoreName, WriteTarget } from './domain/readings.model';
import { HYBRID_STORAGE_SETTINGS, HybridStorageSettings } from './hybrid-storage.settings';
import type { TimeSeriesStore } from './ports/time-series-store.port';
import { HybridReader, PageOptions, ReadOptions, ReadPage, ReadResult } from './reads/hybrid-reader.service';
import { DeletionResult, HybridWriter, WriteOptions, WriteResult } from './writes/hybrid-writer.service';

/**
 * The one storage API for time series (PostgreSQL and Cassandra behind ports), as the seed
 * names it: `storeSensorData`, `storeMeterReading`, `getSensorData`, `getMeterReadings`, with
 * fallback, source tracking and configurable targets. Writes are HybridWriter's (backlog for
 * a store that missed rows, quarantine for rows a store refused), reads HybridReader's.
 */
@Injectable()
export class HybridStorageService {
  constructor(
    private readonly writer: HybridWriter,
    private readonly reader: HybridReader,
    @Inject(HYBRID_STORAGE_SETTINGS) private readonly settings: HybridStorageSettings,
  ) {}

  get configuredStores(): StoreName[] {
    return this.reader.configuredStores;
  }

  get defaultTarget(): WriteTarget {
    return this.settings.defaultTarget;
  }

  store(name: StoreName): TimeSeriesStore | undefined {
    return this.reader.store(name);
  }

  storeSensorData(reading: SensorReading, options: WriteOptions = {}): Promise<WriteResult> {
    return this.writer.storeSensorDataBatch([reading], options);
  }

  storeSensorDataBatch(readings: readonly SensorReading[], options: WriteOptions = {}): Promise<WriteResult> {
    return this.writer.storeSensorDataBatch(readings, options);
  }

  storeMeterReading(reading: MeterReading, options: WriteOptions = {}): Promise<WriteResult> {
    return this.writer.storeMeterReadingBatch([reading], options);
  }

  storeMeterReadingBatch(readings: readonly MeterReading[], options: WriteOptions = {}): Promise<WriteResult> {
    return this.writer.storeMeterReadingBatch(readings, options);
  }

  /** Deletes a sensor's readings in [from, to) from every store (see HybridWriter.deleteRange). */
  deleteSensorReadings(sensorId: string, from: Date, to: Date): Promise<DeletionResult> {
    return this.writer.deleteRange('sensor', sensorId, from, to);
  }

  deleteMeterReadings(meterId: string, from: Date, to: Date): Promise<DeletionResult> {
    return this.writer.deleteRange('meter', meterId, from, to);
  }

  getSensorData(sensorId: string, options: ReadOptions = {}): Promise<ReadResult<SensorReadingRecord>> {
    return this.reader.getSensorData(sensorId, options);
  }

  getMeterReadings(meterId: string, options: ReadOptions = {}): Promise<ReadResult<MeterReadingRecord>> {
    return this.reader.getMeterReadings(meterId, options);
  }

  getSensorPage(sensorId: string, options: PageOptions = {}): Promise<ReadPage<SensorReadingRecord>> {
    return this.reader.getSensorPage(sensorId, options);
  }

  getMeterPage(meterId: string, options: PageOptions = {}): Promise<ReadPage<MeterReadingRecord>> {
    return this.reader.getMeterPage(meterId, options);
  }

  streamSensorData(sensorId: string, options: Omit<ReadOptions, 'limit'> = {}): AsyncGenerator<SensorReadingRecord[]> {
    return this.reader.streamSensorData(sensorId, options);
  }

  streamMeterReadings(meterId: string, options: Omit<ReadOptions, 'limit'> = {}): AsyncGenerator<MeterReadingRecord[]> {
    return this.reader.streamMeterReadings(meterId, options);
  }

  pickReadOrder(source: ReadSource): StoreName[] {
    return this.reader.pickReadOrder(source);
  }

  /** Depth and age of the replication backlog, for health and metrics. */
  getBacklogStatus(): Promise<BacklogStatus> {
    return this.reader.getBacklogStatus();
  }
}
