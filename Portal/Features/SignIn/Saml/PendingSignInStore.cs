using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.SignIn.Saml;

/// <summary>Keeps pending AuthnRequests server-side, bound to the browser by a cookie nonce, usable once.</summary>
public sealed class PendingSignInStore(IDbContextFactory<PortalDb> dbs, SamlServiceProviderOptions sp, TimeProvider time, IConfiguration configuration)
{
    public const string BindingCookie = "portal_saml_binding";
    public const string TooManyPendingCode = "signin.too_many_pending";

    /// <summary>Unfinished sign-ins kept at once (Saml:MaxPendingSignIns): anonymous starts must not grow a table without bound.</summary>
    private readonly int _maxPending = Math.Max(1, configuration.GetValue("Saml:MaxPendingSignIns", 5000));

    /// <summary>Remembers the request; false (nothing kept) when <see cref="TooManyPendingCode"/> applies.</summary>
    public async Task<bool> SaveAsync(PendingAuthnRequest pending, string browserNonce, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pending);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        await db.Database.ExecuteSqlAsync($"DELETE FROM saml_pending_sign_ins WHERE expires_at < {now}", ct);
        if (await db.Set<PendingSignIn>().CountAsync(ct) >= _maxPending)
        {
            return false;
        }
        db.Add(new PendingSignIn
        {
            RelayState = pending.RelayState,
            RequestId = pending.Id,
            IdpEntityId = pending.IdpEntityId,
            ReturnPath = pending.ReturnPath,
            BrowserBinding = Hash(browserNonce),
            CreatedAt = pending.CreatedAt,
            ExpiresAt = pending.CreatedAt + sp.PendingRequestLifetime,
        });
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Deletes and returns the pending request named by <paramref name="relayState"/> if this browser started it;
    /// otherwise null, which the validator treats as an unsolicited response.
    /// </summary>
    public async Task<PendingAuthnRequest?> TakeAsync(string? relayState, string? browserNonce, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(relayState) || relayState.Length > 128 || string.IsNullOrEmpty(browserNonce))
        {
            return null;
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        var taken = await db.Set<PendingSignIn>()
            .FromSql($"DELETE FROM saml_pending_sign_ins WHERE relay_state = {relayState} RETURNING *")
            .AsNoTracking().ToListAsync(ct);
        var row = taken.SingleOrDefault();
        if (row is null || !CryptographicOperations.FixedTimeEquals(row.BrowserBinding, Hash(browserNonce)))
        {
            return null;
        }
        return new PendingAuthnRequest(row.RequestId, row.IdpEntityId, row.ReturnPath, row.CreatedAt, row.RelayState);
    }

    public static string NewNonce() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static byte[] Hash(string nonce) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(nonce));
}
