using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Passports;

/// <summary>
/// The visa signing keys, shared by every instance through PostgreSQL. The newest signs; all are published in the
/// JWKS so visas signed before a rotation still verify.
/// </summary>
public sealed class VisaKeys(IDbContextFactory<PortalDb> dbs, IDataProtectionProvider protection, TimeProvider time)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Portal.VisaSigningKey.v1");

    public sealed record Key(string Kid, RSA Rsa);

    public async Task<Key> CurrentAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var newest = await db.Set<VisaSigningKey>().OrderByDescending(k => k.CreatedAt).FirstOrDefaultAsync(ct);
        if (newest is null)
        {
            using var rsa = RSA.Create(2048);
            newest = new VisaSigningKey
            {
                Kid = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
                ProtectedPrivateKey = _protector.Protect(rsa.ExportPkcs8PrivateKeyPem()),
                CreatedAt = time.GetUtcNow(),
            };
            db.Add(newest);
            await db.SaveChangesAsync(ct);
        }
        return Open(newest);
    }

    public async Task<IReadOnlyList<Key>> AllAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var keys = await db.Set<VisaSigningKey>().AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(ct);
        return [.. keys.Select(Open)];
    }

    private Key Open(VisaSigningKey stored)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(_protector.Unprotect(stored.ProtectedPrivateKey));
        return new Key(stored.Kid, rsa);
    }
}
