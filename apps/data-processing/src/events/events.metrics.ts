import { Inject, Injectable } from '@nestjs/common';
import type { DeliveryObserver, DeliveryTarget, EvaluationObserver, GridEvent } from '@smartgrid/events';
import { EVENT_LEDGER } from '@smartgrid/events';
import type { EventLedger } from '@smartgrid/events';
import { METRICS_REGISTRY } from '@smartgrid/observability';
import { Counter, Gauge, Registry } from 'prom-client';

/** Metrics of evaluation and event delivery (the events lib's observers). */
@Injectable()
export class EventsMetrics implements DeliveryObserver, EvaluationObserver {
  private readonly eventsTotal: Counter<'type' | 'severity'>;
  private readonly lateTotal: Counter<'kind'>;
  private readonly deferredTotal: Counter<'kind'>;
  private readonly rebuiltTotal: Counter<'kind'>;
  private readonly deliveredTotal: Counter<'target' | 'replayed'>;
  private readonly deliveryFailures: Counter<'target'>;
  private readonly refusedTotal: Counter<'target'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry, @Inject(EVENT_LEDGER) ledger: EventLedger) {
    const registers = [registry];
    this.eventsTotal = new Counter({ name: 'smartgrid_events_detected_total', help: 'Grid events recorded by ingest evaluation', labelNames: ['type', 'severity'], registers });
    this.lateTotal = new Counter({ name: 'smartgrid_events_late_readings_total', help: 'Readings that arrived after the lateness window and were not evaluated', labelNames: ['kind'], registers });
    this.deferredTotal = new Counter({ name: 'smartgrid_events_deferred_sources_total', help: 'Sources whose evaluation was deferred (caught up from stored readings later)', labelNames: ['kind'], registers });
    this.rebuiltTotal = new Counter({ name: 'smartgrid_events_rebuilt_sources_total', help: 'Sources whose evaluation state was rebuilt from stored readings', labelNames: ['kind'], registers });
    this.deliveredTotal = new Counter({ name: 'smartgrid_events_delivered_total', help: 'Events written to a history store or grid-events outside a batch', labelNames: ['target', 'replayed'], registers });
    this.deliveryFailures = new Counter({ name: 'smartgrid_events_delivery_failures_total', help: 'Failed event deliveries (the events wait in the backlog)', labelNames: ['target'], registers });
    this.refusedTotal = new Counter({ name: 'smartgrid_events_refused_total', help: 'Events a target refused (kept aside in the ledger)', labelNames: ['target'], registers });
    new Gauge({
      name: 'smartgrid_events_delivery_backlog',
      help: 'Events waiting for a target (PostgreSQL ledger)',
      labelNames: ['target'],
      registers,
      async collect() {
        try {
          for (const s of await ledger.status()) this.set({ target: s.target }, s.pending);
        } catch {
          // PostgreSQL down: the gauge keeps its last values (health reports the store).
        }
      },
    });
  }

  late(kind: 'sensor' | 'meter', n: number): void {
    this.lateTotal.inc({ kind }, n);
  }

  deferred(kind: 'sensor' | 'meter', sources: number): void {
    this.deferredTotal.inc({ kind }, sources);
  }

  rebuilt(kind: 'sensor' | 'meter', sources: number): void {
    this.rebuiltTotal.inc({ kind }, sources);
  }

  events(events: readonly GridEvent[]): void {
    for (const e of events) this.eventsTotal.inc({ type: e.type, severity: e.severity });
  }

  delivered(target: DeliveryTarget, events: number, replayed: boolean): void {
    this.deliveredTotal.inc({ target, replayed: String(replayed) }, events);
  }

  failed(target: DeliveryTarget): void {
    this.deliveryFailures.inc({ target });
  }

  refused(target: DeliveryTarget, events: number): void {
    this.refusedTotal.inc({ target }, events);
  }
}
