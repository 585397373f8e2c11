// Types for demo/stripe-customer.mjs.
export declare const DEMO_EMAIL: string;
export declare function ensureDemoCustomer(options: {
  secretKey: string;
  apiUrl?: string;
  apiVersion: string;
  now?: () => Date;
}): Promise<string>;
