import { Body, Param } from '@nestjs/common';
import { AuthPrincipal, CurrentUser } from '@smartgrid/auth';
import { ReqMeta, RequestMeta } from '@smartgrid/http';
import { CUSTOMER_SORTS, CustomerChanges, CustomersService } from '@smartgrid/registry';
import { RegistryAudit } from '../registry/registry.audit';
import { RecordCreateRoute, RecordDeleteRoute, RecordGetRoute, RecordListRoute, RecordUpdateRoute, RegistryController } from '../registry/registry-routes.decorators';
import { baseListQuery } from '../registry/registry-listing.query';
import { ListRequest, RegistryIdParams, RegistryListQueryPipe, RegistryQuery } from '../registry/registry.dto';
import { CreateCustomerDto, CustomerListQueryDto, UpdateCustomerDto } from './customer.dto';
import { CustomerPage, CustomerView } from './customers-registry.responses';

/**
 * The customer registry: viewers list and read; operators register, change and delete (only a
 * customer that never had a meter or consumption). Every change is audited.
 */
@RegistryController('customers')
export class CustomersRegistryController {
  constructor(
    private readonly customers: CustomersService,
    private readonly audit: RegistryAudit,
  ) {}

  @RecordListRoute('List customers: filters status, q (id/name); sort; cursor pages', CustomerListQueryDto, CustomerPage)
  async list(@RegistryQuery(new RegistryListQueryPipe(CustomerListQueryDto, false)) req: ListRequest<CustomerListQueryDto>): Promise<CustomerPage> {
    const q = req.query;
    return this.customers.list(baseListQuery(q, CUSTOMER_SORTS, { field: 'id', descending: false }), q.cursor);
  }

  @RecordCreateRoute('customer', { summary: 'Register a customer, or complete one first named by a reading (status unregistered)', created: CustomerView })
  async create(@Body() body: CreateCustomerDto, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<CustomerView> {
    const change = await this.customers.register({ id: body.id, status: body.status ?? 'active', ...changesOf(body) });
    await this.audit.changed(user, meta, 'registry.customer.create', `customers/${body.id}`, change.before, change.after);
    return change.after!;
  }

  @RecordGetRoute('customer', { summary: 'One customer', ok: CustomerView })
  get(@Param() p: RegistryIdParams): Promise<CustomerView> {
    return this.customers.get(p.id);
  }

  @RecordUpdateRoute('customer', { summary: 'Change a customer (given fields; null clears)', ok: CustomerView })
  async update(@Param() p: RegistryIdParams, @Body() body: UpdateCustomerDto, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<CustomerView> {
    const change = await this.customers.update(p.id, { ...changesOf(body), ...(body.status !== undefined ? { status: body.status } : {}) });
    await this.audit.changed(user, meta, 'registry.customer.update', `customers/${p.id}`, change.before, change.after);
    return change.after!;
  }

  @RecordDeleteRoute(
    'customer',
    { summary: 'Delete a customer without history (a mistaken registration)', ok: CustomerView },
    'The customer has meter assignments or consumption: set its status instead',
  )
  async remove(@Param() p: RegistryIdParams, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<CustomerView> {
    const removed = await this.customers.remove(p.id);
    await this.audit.changed(user, meta, 'registry.customer.delete', `customers/${p.id}`, removed, null);
    return removed;
  }
}

function changesOf(body: CreateCustomerDto | UpdateCustomerDto): CustomerChanges {
  const out: CustomerChanges = {};
  if (body.name !== undefined) out.name = body.name;
  if (body.address !== undefined) out.address = body.address;
  if (body.contact !== undefined) {
    const { name, email, phone } = body.contact;
    out.contact = { ...(name !== undefined ? { name } : {}), ...(email !== undefined ? { email } : {}), ...(phone !== undefined ? { phone } : {}) };
  }
  return out;
}
