using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Portal.Data;

namespace Portal.Features.Datasets.Registration;

/// <summary>
/// Who may register a dataset (and so make the portal connect somewhere), asked before any source is touched or any
/// upload body is read: the Kernel's <see cref="DatasetOwnership"/> rule, which site agents share. Each person gets
/// at most Connectors:ConnectionTestsPerMinute (default 12) connection tests a minute, so registration is not a port
/// scanner or a password oracle.
/// </summary>
public sealed class RegistrationGate(IConfiguration configuration)
{
    private readonly int _perMinute = Math.Max(1, configuration.GetValue<int?>("Connectors:ConnectionTestsPerMinute") ?? 12);
    private readonly ConcurrentDictionary<Guid, FixedWindowRateLimiter> _limiters = new();

    public static readonly Failure NotAllowed = Failure.Forbidden("dataset.register.not_allowed",
        "Only people with a home institution may register datasets; sign in through your institution.");

    public static bool MayOwnDatasets(User user) => DatasetOwnership.MayOwnDatasets(user);

    /// <summary>The caller's user row when they may register a dataset, or why not.</summary>
    public static Task<Outcome<User>> MayRegisterAsync(PortalDb db, Caller caller, CancellationToken ct) =>
        DatasetOwnership.CallerWhoMayOwnAsync(db, caller, NotAllowed, ct);

    /// <summary>Before an upload's body is read: the caller may register datasets and this portal takes uploads.</summary>
    public async Task<Failure?> UploadAllowedAsync(DatasetServices services, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await MayRegisterAsync(db, caller, ct);
        return me.Failure ?? (services.Uploads.Folder is null ? DatasetUploads.Disabled : null);
    }

    /// <summary>Takes one connection test from the person's minute, or refuses with 429.</summary>
    public Failure? TakeConnectionTest(Guid userId)
    {
        var limiter = _limiters.GetOrAdd(userId, _ => new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = _perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        using var lease = limiter.AttemptAcquire();
        return lease.IsAcquired
            ? null
            : new Failure(FailureKind.TooMany, "dataset.source.rate_limited", $"At most {_perMinute} connection tests a minute; wait a minute and try again.");
    }
}
