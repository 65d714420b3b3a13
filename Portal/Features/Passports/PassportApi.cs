using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.SignIn;
using Portal.Features.VirtualOrganizations;

namespace Portal.Features.Passports;

/// <summary>
/// GA4GH Passports: one signed ControlledAccessGrants visa (RS256 JWT) per live grant of a researcher, at
/// /api/permissions/{user}, and the keys that verify them at /.well-known/jwks.json.
/// </summary>
internal static class PassportApi
{
    public static void MapPassportApi(this RouteGroupBuilder api, IEndpointRouteBuilder app)
    {
        api.MapGet("/permissions/{user}", PermissionsAsync).WithTags("Passports").WithName("GetPassport")
            .WithSummary("Your GA4GH Passport: a ControlledAccessGrants visa per live grant ('me' or your own id).")
            .RequireScope(Scopes.PermissionsRead);
        app.MapGet("/.well-known/jwks.json", JwksAsync).AllowAnonymous().AllowAnyScope().WithTags("Passports").WithName("GetVisaSigningKeys");
    }

    private static async Task<IResult> PermissionsAsync(
        string user, Caller caller, IDbContextFactory<PortalDb> dbs, VisaKeys keys, TimeProvider time, PublicAddress address, CancellationToken ct)
    {
        // The issuer is configuration, never the Host header: a visa signed for a host the caller named would be a
        // real-key signature over a forged issuer.
        if (address.Origin is not { } issuer)
        {
            return new Failure(FailureKind.Unavailable, "passport.issuer_not_configured",
                "Passports need the portal's public URL (Portal:PublicBaseUrl); ask its operator.").ToProblem();
        }
        var o = await HandleAsync(dbs, keys, time, caller, user, issuer, ct);
        return o.Failure is { } f ? f.ToProblem() : Results.Ok(o.Value);
    }

    /// <summary>The caller's passport, its visas signed for <paramref name="issuer"/> (the portal's own address).</summary>
    public static async Task<Outcome<Dictionary<string, object>>> HandleAsync(IDbContextFactory<PortalDb> dbs, VisaKeys keys, TimeProvider time,
        Caller caller, string user, string issuer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dbs);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.UserId is not { } me)
        {
            return Failure.SignInRequired;
        }
        if (user != "me" && (!Guid.TryParse(user, out var asked) || asked != me))
        {
            return Failure.Forbidden("passport.holder_only", "A passport is issued to its holder only.");
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var grants = await LiveGrantsAsync(db, me, now, ct);
        var key = await keys.CurrentAsync(ct);
        var visas = grants.Select(g => Sign(key, new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["sub"] = me.ToString(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = g.Until.ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString(),
            ["ga4gh_visa_v1"] = new Dictionary<string, object>
            {
                ["type"] = "ControlledAccessGrants",
                ["asserted"] = g.Grant.CreatedAt.ToUnixTimeSeconds(),
                ["value"] = $"{issuer}/datasets/{g.Grant.DatasetId}",
                ["source"] = issuer,
                ["by"] = "dac",
            },
        }, issuer)).ToList();
        return new Dictionary<string, object> { ["ga4gh_passport_v1"] = visas };
    }

    /// <summary>Grants naming this person, or a VO (role, institution) of which they are a live member; a visa ends with the sooner of the two.</summary>
    private static async Task<List<(Grant Grant, DateTimeOffset Until)>> LiveGrantsAsync(PortalDb db, Guid me, DateTimeOffset now, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == me, ct);
        if (user.Suspended)
        {
            return [];
        }
        var memberships = await db.Memberships.AsNoTracking().Where(Membership.ActiveAt(now))
            .Where(m => m.UserId == me).ToListAsync(ct);
        var vos = memberships.Select(m => m.VoId).ToList();
        var grants = await db.Grants.AsNoTracking()
            .Where(g => g.RevokedAt == null && g.ValidFrom <= now && g.ValidUntil > now && g.Dataset!.Status == DatasetStatus.Active)
            .Where(g => g.GranteeUserId == me || (g.GranteeVoId != null && vos.Contains(g.GranteeVoId.Value)))
            .ToListAsync(ct);
        var result = new List<(Grant, DateTimeOffset)>();
        foreach (var g in grants)
        {
            if (g.GranteeKind == GranteeKind.Person)
            {
                result.Add((g, g.ValidUntil));
                continue;
            }
            var m = memberships.Single(x => x.VoId == g.GranteeVoId);
            var covered = g.GranteeKind switch
            {
                GranteeKind.Vo => true,
                GranteeKind.VoRole => m.Role == g.GranteeRole,
                GranteeKind.VoInstitution => user.InstitutionId == g.GranteeInstitutionId,
                _ => false,
            };
            if (covered)
            {
                result.Add((g, m.ExpiresAt is { } end && end < g.ValidUntil ? end : g.ValidUntil));
            }
        }
        return result;
    }

    private static async Task<IResult> JwksAsync(VisaKeys keys, CancellationToken ct)
    {
        var all = await keys.AllAsync(ct);
        return Results.Ok(new
        {
            keys = all.Select(k =>
            {
                var p = k.Rsa.ExportParameters(false);
                return new { kty = "RSA", use = "sig", alg = "RS256", kid = k.Kid, n = Base64Url(p.Modulus!), e = Base64Url(p.Exponent!) };
            }),
        });
    }

    private static string Sign(VisaKeys.Key key, Dictionary<string, object> claims, string issuer)
    {
        var header = new Dictionary<string, object> { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = key.Kid, ["jku"] = $"{issuer}/.well-known/jwks.json" };
        var signingInput = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = key.Rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
