// The Azure Bot resource of a bot that runs as a user-assigned managed identity, its Teams channel,
// and the OAuth connection settings the bot signs users in with (one per service it calls).

@maxLength(64)
param botServiceName string

@maxLength(42)
param botDisplayName string

@description('Host name of the web app; the messaging endpoint is https://<it>/api/messages.')
param botAppDomain string

@allowed([
  'F0'
  'S1'
])
@description('F0: free; Teams is a standard channel, free on either SKU. S1 adds the SLA and premium channels.')
param botServiceSku string = 'F0'

param identityClientId string
param identityResourceId string
param identityTenantId string

param signInAppClientId string

@secure()
param signInAppClientSecret string

param signInTenantId string
param armConnectionName string
param devOpsConnectionName string
param graphConnectionName string
param ssoTokenExchangeUri string = ''

// The "Azure Active Directory v2" service provider of the Bot Framework token service.
var aadV2ProviderId = '30dd229c-58e3-4a48-bdfd-91ec48eb906c'
var tenantParameter = [
  {
    key: 'tenantID'
    value: signInTenantId
  }
]
var tokenExchangeParameter = [
  {
    key: 'tokenExchangeUrl'
    value: ssoTokenExchangeUri
  }
]
var connectionParameters = empty(ssoTokenExchangeUri) ? tenantParameter : concat(tenantParameter, tokenExchangeParameter)

resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  kind: 'azurebot'
  location: 'global'
  name: botServiceName
  sku: {
    name: botServiceSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${botAppDomain}/api/messages'
    msaAppId: identityClientId
    msaAppMSIResourceId: identityResourceId
    msaAppTenantId: identityTenantId
    msaAppType: 'UserAssignedMSI'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  location: 'global'
  name: 'MsTeamsChannel'
  properties: {
    channelName: 'MsTeamsChannel'
  }
}

// Delegated token for Azure Resource Manager: tenants, subscriptions, role assignments.
resource armConnection 'Microsoft.BotService/botServices/connections@2022-09-15' = {
  parent: botService
  location: 'global'
  name: armConnectionName
  properties: {
    serviceProviderDisplayName: 'Azure Active Directory v2'
    serviceProviderId: aadV2ProviderId
    clientId: signInAppClientId
    clientSecret: signInAppClientSecret
    scopes: 'https://management.azure.com/user_impersonation offline_access openid profile'
    parameters: connectionParameters
  }
}

// Delegated token for Azure DevOps (its resource id is 499b84ac-1321-427f-aa17-267ca6975798).
resource devOpsConnection 'Microsoft.BotService/botServices/connections@2022-09-15' = {
  parent: botService
  location: 'global'
  name: devOpsConnectionName
  properties: {
    serviceProviderDisplayName: 'Azure Active Directory v2'
    serviceProviderId: aadV2ProviderId
    clientId: signInAppClientId
    clientSecret: signInAppClientSecret
    scopes: '499b84ac-1321-427f-aa17-267ca6975798/user_impersonation offline_access openid profile'
    parameters: connectionParameters
  }
}

// Delegated token for Microsoft Graph, least scope for the people picker: names and addresses of the tenant's users.
resource graphConnection 'Microsoft.BotService/botServices/connections@2022-09-15' = {
  parent: botService
  location: 'global'
  name: graphConnectionName
  properties: {
    serviceProviderDisplayName: 'Azure Active Directory v2'
    serviceProviderId: aadV2ProviderId
    clientId: signInAppClientId
    clientSecret: signInAppClientSecret
    scopes: 'https://graph.microsoft.com/User.ReadBasic.All offline_access openid profile'
    parameters: connectionParameters
  }
}

output botServiceName string = botService.name
