import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@smartgrid/observability';
import { Counter, Gauge, Registry } from 'prom-client';

/** The registry's background work, on the app's registry (GET /metrics). */
@Injectable()
export class RegistryMetrics {
  readonly inboxDepth: Gauge;
  readonly metadataApplied: Counter;
  readonly mismatchReadings: Counter;
  readonly mismatches: Counter;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.inboxDepth = new Gauge({ name: 'smartgrid_registry_metadata_inbox', help: 'Metadata changes reported by devices, waiting to be applied to their MongoDB documents', registers });
    this.metadataApplied = new Counter({ name: 'smartgrid_registry_metadata_changes_applied_total', help: 'Reported metadata changes taken from the inbox and applied (or found already applied)', registers });
    this.mismatchReadings = new Counter({ name: 'smartgrid_registry_customer_mismatch_readings_total', help: "Meter readings naming another customer than the registry's assignment at their time", registers });
    this.mismatches = new Counter({ name: 'smartgrid_registry_customer_mismatches_total', help: '(meter, reading customer, registry customer) combinations flagged for the first time (each also a grid event)', registers });
  }
}
