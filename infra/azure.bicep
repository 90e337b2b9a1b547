// SOA Bot hosting for the Microsoft 365 Agents Toolkit (m365agents.yml, arm/deploy):
//   - an App Service plan (Linux) and a Web App running Node 20 (`npm start`), https only, with a
//     system-assigned managed identity that the bot uses for Microsoft Graph (GRAPH_USE_MANAGED_IDENTITY);
//   - an Azure Bot (single tenant) whose messaging endpoint is the Web App, with the Microsoft Teams channel.
// Graph application permissions for the managed identity and admin consent are granted by an admin
// afterwards (README.md, "Deploying to a Microsoft 365 tenant"): ARM cannot grant Graph app roles.

@maxLength(20)
@minLength(4)
@description('Base name of every resource (letters and digits).')
param resourceBaseName string

@description('App Service plan SKU (B1 is enough; P0v3 or higher for production).')
param webAppSku string = 'B1'

@description('The bot Entra app (botAadApp/create): client id.')
param botAadAppClientId string

@secure()
@description('The bot Entra app\'s client secret (botAadApp/create writes it to env/.env.<env>.user).')
param botAadAppClientSecret string

@description('Display name of the Azure Bot.')
param botDisplayName string = 'SOA Bot'

@description('Entra groups (object ids) of requesters and approvers; the approvals channel id (19:...@thread.tacv2).')
param requesterGroupId string
param approverGroupId string
param approvalChannelId string = ''

@description('PostgreSQL connection string for several instances; empty = SQLite on the App Service file system (one instance only).')
@secure()
param databaseUrl string = ''

@description('The personal tab API\'s Entra app (client) id, created by aadApp/create in m365agents.yml; empty = no tab (its API and page are off).')
param tabAppId string = ''

param location string = resourceGroup().location

var tenantId = subscription().tenantId
var webAppName = resourceBaseName
var planName = resourceBaseName

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: planName
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
  name: webAppName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'npm start'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      healthCheckPath: '/readyz'
      appSettings: [
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'false' }
        { name: 'WEBSITE_NODE_DEFAULT_VERSION', value: '~20' }
        { name: 'PORT', value: '8080' }
        { name: 'BOT_ID', value: botAadAppClientId }
        { name: 'BOT_PASSWORD', value: botAadAppClientSecret }
        { name: 'BOT_TYPE', value: 'SingleTenant' }
        { name: 'BOT_TENANT_ID', value: tenantId }
        { name: 'GRAPH_TENANT_ID', value: tenantId }
        { name: 'GRAPH_USE_MANAGED_IDENTITY', value: 'true' }
        { name: 'GRAPH_CLIENT_ID', value: '' }
        { name: 'REQUESTER_GROUP_ID', value: requesterGroupId }
        { name: 'APPROVER_GROUP_ID', value: approverGroupId }
        { name: 'APPROVAL_CHANNEL_ID', value: approvalChannelId }
        { name: 'DATABASE_URL', value: empty(databaseUrl) ? 'sqlite:/home/data/soa-bot.db' : databaseUrl }
        { name: 'LOG_LEVEL', value: 'info' }
        // The personal tab (/tab/) and its API (/api/tab/): the Application ID URI uses the App Service's own
        // host name, as aad.manifest.json and the app manifest's webApplicationInfo do (BOT_DOMAIN).
        { name: 'TAB_APP_ID', value: tabAppId }
        { name: 'TAB_APP_ID_URI', value: empty(tabAppId) ? '' : 'api://${webAppName}.azurewebsites.net/${tabAppId}' }
      ]
    }
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: resourceBaseName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: 'F0'
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: botAadAppClientId
    msaAppTenantId: tenantId
    msaAppType: 'SingleTenant'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
  }
}

// Become environment variables (arm/deploy): BOT_AZURE_APP_SERVICE_RESOURCE_ID, BOT_DOMAIN, ...
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output GRAPH_MANAGED_IDENTITY_PRINCIPAL_ID string = webApp.identity.principalId
