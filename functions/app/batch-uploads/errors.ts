// The upload errors live in the domain (the HTTP edge maps them and may not import app/); the seam
// (app/batches/batch-items-source.ts) names them here, so here they are.
export * from '../../domain/batch-upload-errors';
