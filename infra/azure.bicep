// The bot's Azure resources for one environment (dev): a Linux App Service plan and web app on
// Node 22 LTS, the user-assigned managed identity the bot runs as, a Storage account for the shared
// state store reached by that identity (no keys), and the Azure Bot registration with the Teams
// channel and the two OAuth connections the sign-in uses. Deployed by `arm/deploy` in m365agents.yml.

@minLength(4)
@maxLength(14)
@description('Start of every resource name: lowercase letters and digits. A suffix unique to the resource group is appended, so names do not collide across subscriptions.')
param resourceBaseName string

@allowed([
  'B1'
  'B2'
  'S1'
  'P0v3'
  'P1v3'
])
@description('App Service plan SKU. B1 is the smallest with Always On, which the notification outbox needs (a Free or Shared plan unloads the bot when idle).')
param webAppSku string = 'B1'

@maxLength(42)
@description('The name users see for the bot in Teams.')
param botDisplayName string

@description('Client id of the Entra app registration the OAuth connections sign users in with (aadApp/create writes it to AAD_APP_CLIENT_ID).')
param signInAppClientId string

@secure()
@description('Client secret of that app registration (SECRET_AAD_APP_CLIENT_SECRET, kept in env/.env.dev.user).')
param signInAppClientSecret string

@description('Entra tenant of the sign-in app registration: the tenant whose users sign in.')
param signInTenantId string

@description('Name of the OAuth connection for Azure Resource Manager; the bot reads it as AZURE_ARM_CONNECTION_NAME.')
param armConnectionName string = 'azure-resource-manager'

@description('Name of the OAuth connection for Azure DevOps; the bot reads it as AZURE_DEVOPS_CONNECTION_NAME.')
param devOpsConnectionName string = 'azure-devops'

@description('Name of the OAuth connection for Microsoft Graph (people search for add and remove manager); the bot reads it as AZURE_GRAPH_CONNECTION_NAME.')
param graphConnectionName string = 'microsoft-graph'

@description('Teams single sign-on: the Application ID URI (api://botid-<bot id>) set as Token Exchange URL on both connections and as AZURE_SSO_TOKEN_EXCHANGE_URI. Empty: users sign in through the sign-in card.')
param ssoTokenExchangeUri string = ''

@allowed([
  'deep-link'
  'api'
])
@description('AZURE_BILLING_WRITES: how the billing link is written (docs/AZURE.md).')
param billingWrites string = 'deep-link'

@description('STATE_TABLE_PREFIX: the start of every table name of the shared state store.')
param stateTablePrefix string = 'billing'

param location string = resourceGroup().location

var uniqueSuffix = take(uniqueString(resourceGroup().id), 8)
var baseName = '${resourceBaseName}-${uniqueSuffix}'
var storageAccountName = toLower('${resourceBaseName}${uniqueSuffix}')
var stateContainerName = 'state'
// Built-in roles (ids are the same in every tenant).
var storageTableDataContributor = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')
var storageBlobDataContributor = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')

// The bot's own identity: it signs the bot's calls to the Bot Connector and reaches the Storage account.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: baseName
  location: location
}

// The shared state store: tables and blobs, reached only through Entra ID (shared keys are off).
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource stateContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: stateContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource tableAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, storageTableDataContributor)
  properties: {
    roleDefinitionId: storageTableDataContributor
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource blobAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, storageBlobDataContributor)
  properties: {
    roleDefinitionId: storageBlobDataContributor
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: baseName
  location: location
  kind: 'linux'
  sku: {
    name: webAppSku
  }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: baseName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      appCommandLine: 'npm start'
      alwaysOn: true
      healthCheckPath: '/readyz'
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      appSettings: [
        // The package deployed by azureAppService/zipDeploy holds the built bot and its production
        // dependencies: run it as is, without building on the server.
        {
          name: 'WEBSITE_RUN_FROM_PACKAGE'
          value: '1'
        }
        {
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'false'
        }
        // Bot Framework credentials: the managed identity, no secret.
        {
          name: 'MicrosoftAppType'
          value: 'UserAssignedMSI'
        }
        {
          name: 'MicrosoftAppId'
          value: identity.properties.clientId
        }
        {
          name: 'MicrosoftAppTenantId'
          value: identity.properties.tenantId
        }
        // Who is who: Azure DevOps and Azure Resource Manager, as the signed-in user.
        {
          name: 'DIRECTORY'
          value: 'azure'
        }
        {
          name: 'AZURE_ARM_CONNECTION_NAME'
          value: armConnectionName
        }
        {
          name: 'AZURE_DEVOPS_CONNECTION_NAME'
          value: devOpsConnectionName
        }
        {
          name: 'AZURE_GRAPH_CONNECTION_NAME'
          value: graphConnectionName
        }
        {
          name: 'AZURE_SSO_TOKEN_EXCHANGE_URI'
          value: ssoTokenExchangeUri
        }
        {
          name: 'AZURE_BILLING_WRITES'
          value: billingWrites
        }
        {
          name: 'LOG_LEVEL'
          value: 'info'
        }
        // Where a state file would live with STATE_STORE=file (and where an earlier deployment kept it,
        // for the move in docs/DEPLOY.md): /home is the web app's persistent share.
        {
          name: 'STATE_FILE'
          value: '/home/data/devops-billing/state.json'
        }
        // The shared state store (docs/DEPLOY.md, "State"): the Storage account above, reached as the
        // managed identity. There is deliberately no AZURE_STORAGE_CONNECTION_STRING: keys are off.
        {
          name: 'STATE_STORE'
          value: 'azure'
        }
        {
          name: 'STATE_TABLE_PREFIX'
          value: stateTablePrefix
        }
        {
          name: 'AZURE_STORAGE_ACCOUNT_NAME'
          value: storage.name
        }
        {
          name: 'AZURE_STORAGE_TABLE_ENDPOINT'
          value: storage.properties.primaryEndpoints.table
        }
        {
          name: 'AZURE_STORAGE_BLOB_ENDPOINT'
          value: storage.properties.primaryEndpoints.blob
        }
        {
          name: 'AZURE_STORAGE_STATE_CONTAINER'
          value: stateContainer.name
        }
        {
          name: 'AZURE_CLIENT_ID'
          value: identity.properties.clientId
        }
      ]
    }
  }
  dependsOn: [
    tableService
    tableAccess
    blobAccess
  ]
}

// The Azure Bot resource: the managed identity as the bot's app id, the Teams channel, the OAuth connections.
module botRegistration './botRegistration/azurebot.bicep' = {
  name: 'Azure-Bot-registration'
  params: {
    botServiceName: baseName
    botDisplayName: botDisplayName
    botAppDomain: webApp.properties.defaultHostName
    identityClientId: identity.properties.clientId
    identityResourceId: identity.id
    identityTenantId: identity.properties.tenantId
    signInAppClientId: signInAppClientId
    signInAppClientSecret: signInAppClientSecret
    signInTenantId: signInTenantId
    armConnectionName: armConnectionName
    devOpsConnectionName: devOpsConnectionName
    graphConnectionName: graphConnectionName
    ssoTokenExchangeUri: ssoTokenExchangeUri
  }
}

// Written to env/.env.dev by arm/deploy; m365agents.yml and the app manifest use them.
output AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.name
