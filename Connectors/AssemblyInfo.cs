namespace Portal.Connectors;
