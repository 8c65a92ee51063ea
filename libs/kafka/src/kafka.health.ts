import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ProbeDetails, StoreHealthIndicator } from '@smartgrid/health';
import { Admin } from 'kafkajs';
import { KAFKA_ADMIN, KAFKA_MODULE_OPTIONS } from './kafka.constants';
import { DEFAULT_HEALTH_TIMEOUT_MS } from './kafka.options';
import type { KafkaModuleOptions } from './kafka.options';

@Injectable()
export class KafkaHealthIndicator extends StoreHealthIndicator<'kafka'> {
  constructor(@Inject(KAFKA_ADMIN) private readonly admin: Admin, health: HealthIndicatorService, @Inject(KAFKA_MODULE_OPTIONS) options: KafkaModuleOptions) {
    super(health, 'kafka', options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS);
  }

  /** Asks the cluster for its brokers and controller (a metadata round trip). */
  protected async probe(): Promise<ProbeDetails> {
    const cluster = await this.admin.describeCluster();
    return { brokers: cluster.brokers.length };
  }
}
