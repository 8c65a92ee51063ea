export type { ErrorBody, FieldError } from './error-body';
export { createValidationPipe, InvalidInputException, toFieldErrors } from './validation';
export { HttpErrorFilter, toErrorBody } from './http-error.filter';
export { RequestIdMiddleware, REQUEST_ID_HEADER, assignRequestId } from './request-id.middleware';
export { ReqMeta, requestMetaOf } from './request-meta.decorator';
export type { RequestMeta } from './request-meta.decorator';
export { SmartgridHttpModule } from './http.module';
export { ErrorResponse, FieldErrorView } from './error-response.dto';
export { ApiErrors } from './api-errors.decorator';
