using Portal.Data;

namespace Portal.Kernel.Access;

/// <summary>
/// Who may own datasets, and so make the portal reach a source: registering one, or enrolling a site agent that will
/// serve them. Nothing in the model names dataset owners, so the rule is: a person with a home institution (every
/// federated sign-in has one; a locally made account without one does not), not suspended.
/// </summary>
public static class DatasetOwnership
{
    public static bool MayOwnDatasets(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return !user.Suspended && user.InstitutionId is not null;
    }

    /// <summary>The caller's user row when they may own datasets, or <paramref name="refusal"/> (each use case names its own).</summary>
    public static async Task<Outcome<User>> CallerWhoMayOwnAsync(PortalDb db, Caller caller, Failure refusal, CancellationToken ct)
    {
        var me = await caller.ResolveAsync(db, ct);
        if (me.Failure is not null)
        {
            return me;
        }
        return MayOwnDatasets(me.Value!) ? me : refusal;
    }
}
