import { byStatus, jsonOf, pick } from '../shape.js';
import type { Validator } from '../types.js';

/**
 * Shopify Admin API tokens work only against their own shop, https://<shop>.myshopify.com: the
 * shop comes from the rule's `context` (a myshopify.com host in the same file), and nothing is
 * sent without one. GET /admin/api/2024-10/shop.json with X-Shopify-Access-Token (shopify.dev,
 * "Shop" resource) is read-only and names the shop.
 */
export const shopify: Validator = {
  provider: 'shopify',
  baseUrl: 'https://shopify.com',
  hosts: ['*.myshopify.com'],
  rules: ['shopify-access-token', 'shopify-custom-app-token', 'shopify-private-app-token'],
  hostFor: (shop) => (shop !== undefined && /^[a-z0-9][a-z0-9-]{0,60}$/.test(shop) ? `${shop}.myshopify.com` : undefined),
  request: (secret) => ({ method: 'GET', path: '/admin/api/2024-10/shop.json', headers: { 'x-shopify-access-token': secret, accept: 'application/json' } }),
  interpret: (response) =>
    byStatus(response, (r) => {
      const body = jsonOf(r);
      const name = pick(body, 'shop.name');
      const domain = pick(body, 'shop.myshopify_domain');
      return [name ? `shop ${name}` : '', domain ?? ''].filter(Boolean).join(', ');
    }),
};
