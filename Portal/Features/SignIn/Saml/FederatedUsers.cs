using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.SignIn.Saml;

/// <summary>Creates or refreshes the portal user an IdP vouches for; the key is (IdP entity ID, stable identifier).</summary>
public static class FederatedUsers
{
    public static async Task<User> UpsertAsync(PortalDb db, SamlIdentity identity, IdentityProvider idp, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(idp);
        var institution = await db.Institutions.SingleOrDefaultAsync(i => i.IdpEntityId == identity.IdpEntityId, ct);
        if (institution is null)
        {
            institution = new Institution
            {
                Id = Guid.CreateVersion7(now),
                Name = Truncate(idp.DisplayName ?? identity.HomeOrganization ?? identity.IdpEntityId, 256),
                IdpEntityId = identity.IdpEntityId,
                Scopes = [.. idp.Scopes.Where(s => !s.IsRegex).Select(s => s.Value)],
                CreatedAt = now,
            };
            db.Institutions.Add(institution);
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Issuer == identity.IdpEntityId && u.Subject == identity.UserId, ct);
        if (user is null)
        {
            user = new User
            {
                Id = Guid.CreateVersion7(now),
                Issuer = identity.IdpEntityId,
                Subject = identity.UserId,
                DisplayName = "",
                CreatedAt = now,
            };
            db.Users.Add(user);
        }
        // The home institution is the authority on these: refresh them at every sign-in.
        user.DisplayName = Truncate(identity.DisplayName ?? identity.EduPersonPrincipalName ?? identity.Mail ?? identity.UserId, 256);
        user.Email = identity.Mail is { Length: <= 320 } mail ? mail : user.Email;
        user.HomeOrganization = identity.HomeOrganization;
        user.Institution = institution;
        user.Affiliations = [.. identity.ScopedAffiliations];
        user.Entitlements = [.. identity.Entitlements];
        return user;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
