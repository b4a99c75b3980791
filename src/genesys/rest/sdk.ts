// Builds one independent purecloud SDK ApiClient (region or gateway, extended responses) and the API objects we use.
import platformClient from 'purecloud-platform-client-v2';
import type { Config } from '../../config.js';

/** The SDK module shape (injectable so tests or callers can pass their own build). */
export type GenesysSdk = typeof platformClient;
export type SdkApiClient = InstanceType<GenesysSdk['ApiClientClass']>;

/** The SDK API objects every REST call goes through (all bound to the same ApiClient). */
export interface GenesysApis {
  notifications: InstanceType<GenesysSdk['NotificationsApi']>;
  conversations: InstanceType<GenesysSdk['ConversationsApi']>;
  analytics: InstanceType<GenesysSdk['AnalyticsApi']>;
  speechTextAnalytics: InstanceType<GenesysSdk['SpeechTextAnalyticsApi']>;
  routing: InstanceType<GenesysSdk['RoutingApi']>;
  /** The ApiClient itself, for endpoints whose SDK wrapper lacks a documented parameter (see messages bulk). */
  apiClient: SdkApiClient;
}

/** Resolves a region key (`eu_west_1`) or a bare environment (`mypurecloud.ie`) to the environment host. */
export function resolveEnvironment(sdk: GenesysSdk, region: string): string {
  return sdk.PureCloudRegionHosts?.[region] ?? region;
}

/**
 * Creates an ApiClient configured for `config` (never the SDK singleton) plus the API objects bound to it.
 * Live reload of `$HOME/.genesyscloudjavascript/config` is turned off so the file cannot override our settings.
 */
export function buildSdk(config: Config['genesys'], sdk: GenesysSdk = platformClient): { apiClient: SdkApiClient; apis: GenesysApis } {
  const apiClient = new sdk.ApiClientClass();
  apiClient.config.live_reload_config = false;
  // The SDK reads `timeout` when it lazily creates its axios client; set it before any request.
  (apiClient as unknown as { timeout: number }).timeout = config.requestTimeoutMs;
  const gateway = config.gateway;
  if (gateway) {
    apiClient.setGateway({
      host: gateway.host,
      protocol: gateway.protocol,
      port: gateway.port,
      path_params_login: gateway.pathParamsLogin,
      path_params_api: gateway.pathParamsApi,
    });
  } else {
    apiClient.setEnvironment(resolveEnvironment(sdk, config.region));
  }
  apiClient.setReturnExtendedResponses(true);
  const apis: GenesysApis = {
    notifications: new sdk.NotificationsApi(apiClient),
    conversations: new sdk.ConversationsApi(apiClient),
    analytics: new sdk.AnalyticsApi(apiClient),
    speechTextAnalytics: new sdk.SpeechTextAnalyticsApi(apiClient),
    routing: new sdk.RoutingApi(apiClient),
    apiClient,
  };
  return { apiClient, apis };
}
