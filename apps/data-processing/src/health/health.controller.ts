import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { CassandraHealthIndicator } from '@smartgrid/cassandra';
import { KafkaHealthIndicator } from '@smartgrid/kafka';
import { PostgresHealthIndicator } from '@smartgrid/postgres';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly postgres: PostgresHealthIndicator,
    private readonly cassandra: CassandraHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
  ) {}

  /** Liveness: the process is up and its event loop answers; no store is consulted. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness probe (process only)' })
  @ApiOkResponse({ description: 'The process is running' })
  live(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  /** Readiness: every store this app needs answers a real query; 503 naming the one that does not. */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness probe: PostgreSQL, Cassandra and Kafka, each with status and responseTime (ms)' })
  ready() {
    return this.health.check([
      () => this.postgres.isHealthy('postgres'),
      () => this.cassandra.isHealthy('cassandra'),
      () => this.kafka.isHealthy('kafka'),
    ]);
  }
}
