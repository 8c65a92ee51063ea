import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Admin } from 'kafkajs';
import { KAFKA_ADMIN, KAFKA_MODULE_OPTIONS } from './kafka.constants';
import { DEFAULT_HEALTH_TIMEOUT_MS } from './kafka.options';
import type { KafkaModuleOptions } from './kafka.options';

@Injectable()
export class KafkaHealthIndicator {
  constructor(
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    private readonly health: HealthIndicatorService,
    @Inject(KAFKA_MODULE_OPTIONS) private readonly options: KafkaModuleOptions,
  ) {}

  /** Asks the cluster for its brokers and controller (a metadata round trip). */
  async isHealthy<const Key extends string = 'kafka'>(key: Key = 'kafka' as Key): Promise<HealthIndicatorResult<Key>> {
    return this.health
      .check(key)
      .attempt(async () => {
        const cluster = await this.admin.describeCluster();
        return { brokers: cluster.brokers.length };
      })
      .withTimeout(this.options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS);
  }
}
