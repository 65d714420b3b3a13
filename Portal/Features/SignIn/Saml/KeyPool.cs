using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// Reuses key objects per certificate: extracting a key from a certificate costs about as much as the RSA
/// verification itself. Each key is used by one thread at a time (rented, then returned), because .NET does not
/// promise that one key object is safe for concurrent use.
/// </summary>
internal static class KeyPool
{
    private static readonly ConditionalWeakTable<X509Certificate2, ConcurrentBag<AsymmetricAlgorithm>> PublicKeys = [];
    private static readonly ConditionalWeakTable<X509Certificate2, ConcurrentBag<RSA>> PrivateKeys = [];

    /// <summary>Runs <paramref name="use"/> with the certificate's RSA or ECDSA public key; false when it has neither.</summary>
    public static bool WithPublicKey(X509Certificate2 certificate, Func<AsymmetricAlgorithm, bool> use)
    {
        var bag = PublicKeys.GetValue(certificate, _ => []);
        if (!bag.TryTake(out var key))
        {
            key = (AsymmetricAlgorithm?)certificate.GetRSAPublicKey() ?? certificate.GetECDsaPublicKey();
            if (key is null)
            {
                return false;
            }
        }
        try
        {
            return use(key);
        }
        finally
        {
            bag.Add(key);
        }
    }

    /// <summary>Runs <paramref name="use"/> with the certificate's RSA private key; default when it has none.</summary>
    public static T? WithRsaPrivateKey<T>(X509Certificate2 certificate, Func<RSA, T> use)
    {
        var bag = PrivateKeys.GetValue(certificate, _ => []);
        if (!bag.TryTake(out var key))
        {
            key = certificate.GetRSAPrivateKey();
            if (key is null)
            {
                return default;
            }
        }
        try
        {
            return use(key);
        }
        finally
        {
            bag.Add(key);
        }
    }
}
