using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Datasets.Registration;
using Portal.Features.Datasets.Sources;
using Portal.Features.Notifications;
using Portal.Features.Sites.Link;
using Portal.Policy;

namespace Portal.Features.Datasets;

/// <summary>
/// What the dataset use cases work with, bound with [AsParameters] in the endpoints and injected whole into the pages
/// (a singleton: it holds only services).
/// </summary>
public sealed record DatasetServices(
    IDbContextFactory<PortalDb> Dbs,
    AuditLog Audit,
    NotificationService Notifications,
    TimeProvider Time,
    DatasetSources Sources,
    DatasetCredentials Credentials,
    PseudonymKeys Keys,
    DatasetUploads Uploads,
    Registration.RegistrationGate Gate,
    PolicyEngine Engine,
    SiteOrders Sites,
    ILogger<DatasetServices> Logger);
