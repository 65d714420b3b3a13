namespace Portal.Policy;
