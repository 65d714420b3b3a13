using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Audit;
using Portal.Features.Datasets;
using Portal.Features.Notifications;
using Portal.Features.VirtualOrganizations;

namespace Portal.Data;

/// <summary>The portal's one database context. Entity configurations live beside their entities, per feature.</summary>
public sealed class PortalDb(DbContextOptions<PortalDb> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Institution> Institutions => Set<Institution>();
    public DbSet<VirtualOrganization> VirtualOrganizations => Set<VirtualOrganization>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<Dataset> Datasets => Set<Dataset>();
    public DbSet<DatasetSteward> DatasetStewards => Set<DatasetSteward>();
    public DbSet<DatasetShare> DatasetShares => Set<DatasetShare>();
    public DbSet<AccessRequest> AccessRequests => Set<AccessRequest>();
    public DbSet<Grant> Grants => Set<Grant>();
    public DbSet<GrantReminder> GrantReminders => Set<GrantReminder>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<VisaSigningKey> VisaSigningKeys => Set<VisaSigningKey>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<SiteAgent> SiteAgents => Set<SiteAgent>();
    public DbSet<SiteEnrollment> SiteEnrollments => Set<SiteEnrollment>();

    /// <summary>ASP.NET Data Protection keys, shared by every instance (cookies, protected connector passwords).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Features.SignIn.Saml.SamlReplayEntry> SamlReplay => Set<Features.SignIn.Saml.SamlReplayEntry>();
    public DbSet<Features.SignIn.Saml.PendingSignIn> PendingSignIns => Set<Features.SignIn.Saml.PendingSignIn>();
    public DbSet<Features.SignIn.Sessions.PortalSession> PortalSessions => Set<Features.SignIn.Sessions.PortalSession>();
    public DbSet<Features.SignIn.Saml.PendingLogout> PendingLogouts => Set<Features.SignIn.Saml.PendingLogout>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortalDb).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // A flags enum is a bit set; every other enum is stored as text (configured per entity) for readers of the database.
        configurationBuilder.Properties<PlatformRoles>().HaveConversion<int>();
    }
}
