/**
 * Rows per page unless a page says otherwise: 20, with 50 and 100 on
 * request, as Backstage's catalog table and `@backstage/ui`'s Table page, so
 * every list of the console pages alike.
 */
export const LIST_PAGE_SIZE = 20;
