using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Sites.Enrollment;

/// <summary>
/// An owner makes a one-time code for a new site agent: shown once with the command to run at the site, kept as a
/// hash, valid for an hour. The agent's name is chosen here, so the owner recognises it when it appears.
/// </summary>
public static class CreateEnrollmentCode
{
    public const int NameMax = 100;

    /// <summary>Unused, unexpired codes one person may hold: each is a way to add an agent to her account.</summary>
    public const int MaxPendingPerPerson = 10;

    public sealed record Input(string? Name);

    public sealed record CreatedCode(Guid Id, string Name, string Code, DateTimeOffset ExpiresAt, string Command);

    public static readonly Failure NotAllowed = Failure.Forbidden("site.enrollment.not_allowed",
        "Only people who may register datasets (a home institution, not suspended) may enroll a site agent.");

    internal static RouteHandlerBuilder Map(RouteGroupBuilder sites) =>
        sites.MapPost("/enrollments", Endpoint).WithName("CreateSiteEnrollmentCode")
            .WithSummary("Make a one-time code (valid one hour) that enrolls a new site agent; the code is in this response only.");

    private static async Task<Results<Created<CreatedCode>, ProblemHttpResult>> Endpoint(
        Input input, Caller caller, [AsParameters] SitesServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, input, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Created("/api/sites/agents", o.Value);
    }

    public static async Task<Outcome<CreatedCode>> HandleAsync(SitesServices services, Caller caller, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await DatasetOwnership.CallerWhoMayOwnAsync(db, caller, NotAllowed, ct);
        if (me.Failure is { } refused)
        {
            return refused;
        }
        var name = input.Name?.Trim();
        if (TextRules.Nul(name, "name") is { } nul)
        {
            return nul;
        }
        if (string.IsNullOrEmpty(name) || name.Length > NameMax)
        {
            return Failure.Invalid("site.enrollment.name_invalid", "name", $"Give the agent a name of 1 to {NameMax} characters, e.g. the site or machine it runs on.");
        }
        if (TextRules.NameCharacters(name, "site.enrollment.name_characters", "name") is { } unsafeName)
        {
            return unsafeName;
        }

        var owner = me.Value!.Id;
        var now = services.Time.GetUtcNow();
        // A pending code reserves its name too: two codes for one name could not both become agents.
        var taken = await db.SiteAgents.AnyAsync(a => a.OwnerId == owner && a.Name == name, ct)
            || await db.SiteEnrollments.AnyAsync(e => e.OwnerId == owner && e.AgentName == name && e.UsedAt == null && e.ExpiresAt > now, ct);
        if (taken)
        {
            return Failure.Conflict("site.enrollment.name_taken", "name", "You already have an agent (or an unused code) of that name.");
        }
        if (await db.SiteEnrollments.CountAsync(e => e.OwnerId == owner && e.UsedAt == null && e.ExpiresAt > now, ct) >= MaxPendingPerPerson)
        {
            return Failure.Conflict("site.enrollment.limit_reached", "name",
                $"You already hold {MaxPendingPerPerson} unused codes; use one or let them expire (within an hour) first.");
        }

        var code = EnrollmentCodes.New();
        var enrollment = new SiteEnrollment
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = owner,
            AgentName = name,
            CodeHash = EnrollmentCodes.Hash(code),
            CreatedAt = now,
            ExpiresAt = now + EnrollmentCodes.Lifetime,
        };
        db.SiteEnrollments.Add(enrollment);
        services.Audit.Add(db, "site.enrollment.created", AuditOutcome.Success, caller.Actor,
            details: new { enrollmentId = enrollment.Id, agentName = name, enrollment.ExpiresAt });
        await db.SaveChangesAsync(ct);
        var command = EnrollmentCodes.Command(services.Address.Origin ?? "<this portal's URL>", code);
        return new CreatedCode(enrollment.Id, name, code, enrollment.ExpiresAt, command);
    }
}
