namespace Portal.Kernel.Access;

/// <summary>Paths of the request and grant pages, for links in notifications and on other features' pages.</summary>
public static class GrantLinks
{
    public const string MyGrants = "/grants";
    public const string MyRequests = "/access-requests";
    public const string Inbox = "/access-requests/inbox";

    public static string DatasetAccess(Guid datasetId) => $"/grants/datasets/{datasetId}";
}
