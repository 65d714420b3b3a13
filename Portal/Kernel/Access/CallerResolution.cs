using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Kernel.Access;

/// <summary>
/// Who the caller is in the database. Read inside the operation's own unit of work: a user suspended a moment ago may
/// do nothing, whatever their cookie says.
/// </summary>
public static class CallerResolution
{
    /// <summary>The caller's user row: unknown principals are not signed in, suspended users may do nothing.</summary>
    public static async Task<Outcome<User>> ResolveAsync(this Caller caller, PortalDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(db);
        if (caller.UserId is not { } id)
        {
            return Failure.SignInRequired;
        }
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return Failure.SignInRequired;
        }
        return user.Suspended ? Failure.Forbidden("access.caller.suspended", "Your account is suspended.") : user;
    }
}
