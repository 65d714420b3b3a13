using BenchmarkDotNet.Attributes;
using Portal.Features.SignIn.Saml;

namespace Portal.Benchmarks.Saml;

/// <summary>
/// ACS validation throughput on one thread: everything the ACS does with a response except the PostgreSQL replay
/// insert (a separate, I/O-bound cost), for a signed assertion and for a signed-then-encrypted one.
/// Set SAML_BENCH_DIR to also write the responses for the node-saml comparison (deploy/bench/saml.sh).
/// </summary>
[MemoryDiagnoser]
public class SamlAcsBenchmarks
{
    private BenchmarkResponses _responses = null!;
    private SamlResponseValidator _validator = null!;

    [GlobalSetup]
    public void Setup()
    {
        _responses = new BenchmarkResponses();
        if (Environment.GetEnvironmentVariable("SAML_BENCH_DIR") is { Length: > 0 } folder)
        {
            _responses.WriteTo(folder);
        }
        _validator = new SamlResponseValidator(_responses.SpOptions, new IdentityProviderDirectory([_responses.Idp]),
            new AcceptAllReplayCache(), new FixedTime(_responses.IssuedAt.AddMinutes(1)));
        // Fail loudly rather than measure the speed of a rejection.
        foreach (var response in new[] { _responses.Plain, _responses.Encrypted })
        {
            var result = _validator.ValidateAsync(response, "bench", _responses.Pending).GetAwaiter().GetResult();
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"benchmark response rejected: {result.Failure?.Code} {result.Failure?.Detail}");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public Task<SamlValidationResult> SignedAssertion() => _validator.ValidateAsync(_responses.Plain, "bench", _responses.Pending);

    [Benchmark]
    public Task<SamlValidationResult> SignedEncryptedAssertion() => _validator.ValidateAsync(_responses.Encrypted, "bench", _responses.Pending);

    private sealed class AcceptAllReplayCache : ISamlReplayCache
    {
        public Task<bool> TryRemember(string assertionId, string issuer, DateTimeOffset notOnOrAfter, CancellationToken cancellationToken) =>
            Task.FromResult(true);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
