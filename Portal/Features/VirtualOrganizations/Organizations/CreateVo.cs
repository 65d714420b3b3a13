using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Portal.Features.VirtualOrganizations.Organizations;

/// <summary>Creates a VO; the caller becomes its first admin, without an end.</summary>
public static class CreateVo
{
    public sealed record Input(string? Name, string? Description, string? JoinPolicy, int? DefaultMembershipDays);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder vos) =>
        vos.MapPost("/", Endpoint).WithName("CreateVo").WithSummary("Create a VO; the caller becomes its admin.");

    private static async Task<Results<Created<VoView>, ProblemHttpResult>> Endpoint(
        Input? input, Caller caller, [AsParameters] VoServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, input ?? new Input(null, null, null, null), ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Created($"/api/vos/{o.Value!.Id}", o.Value);
    }

    public static async Task<Outcome<VoView>> HandleAsync(VoServices services, Caller caller, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var name = input.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            return Failure.Invalid("vo.organization.name_required", "name", "name is required.");
        }
        if ((TextRules.NameCharacters(name, "vo.organization.name_characters", "name")
             ?? VoInput.Length(name, VoInput.NameMax, "name") ?? VoInput.Length(input.Description, VoInput.DescriptionMax, "description")) is { } tooLong)
        {
            return tooLong;
        }
        var policy = VoInput.JoinPolicy(input.JoinPolicy);
        if (policy.Failure is { } badPolicy)
        {
            return badPolicy;
        }
        if (input.DefaultMembershipDays is < 1 or > VoInput.MaxMembershipDays)
        {
            return Failure.Invalid("vo.organization.membership_days_out_of_range", "defaultMembershipDays",
                $"defaultMembershipDays must be between 1 and {VoInput.MaxMembershipDays}, or empty for no expiry.");
        }
        var lowered = name.ToLowerInvariant();
#pragma warning disable CA1862 // EF translates ToLower() to SQL lower(); the StringComparison overloads do not translate.
        if (await db.VirtualOrganizations.AnyAsync(v => v.Name.ToLower() == lowered, ct))
#pragma warning restore CA1862
        {
            return NameTaken(name);
        }

        var now = services.Time.GetUtcNow();
        var vo = new VirtualOrganization
        {
            Id = Guid.CreateVersion7(now),
            Name = name,
            Description = input.Description?.Trim() ?? "",
            JoinPolicy = policy.Value,
            DefaultMembershipDays = input.DefaultMembershipDays,
            CreatedById = me.Value!.Id,
            CreatedAt = now,
        };
        // The creator is the first admin, without an end: a VO must never be left without one.
        vo.Memberships.Add(new Membership
        {
            Id = Guid.CreateVersion7(now),
            UserId = me.Value.Id,
            Role = VoRole.Admin,
            Status = MembershipStatus.Active,
            CreatedAt = now,
            ActivatedAt = now,
        });
        db.VirtualOrganizations.Add(vo);
        services.Audit.Add(db, "vo.created", AuditOutcome.Success, caller.Actor, voId: vo.Id,
            details: new { vo.Name, joinPolicy = vo.JoinPolicy.ToString(), vo.DefaultMembershipDays });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another request created the same name between the check and the insert: the unique index decides.
            return NameTaken(name);
        }
        return new VoView(vo.Id, vo.Name, vo.Description, vo.JoinPolicy.ToString(), vo.DefaultMembershipDays, vo.CreatedAt, 1,
            nameof(VoRole.Admin), MembershipState.Active, null);
    }

    private static Failure NameTaken(string name) => Failure.Conflict("vo.organization.name_taken", "name",
        $"A virtual organization named \"{name}\" already exists; choose another name.");
}
