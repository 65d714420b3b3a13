using System.Diagnostics;
using System.Text;
using Portal.Features.SignIn.Saml;
using Portal.Tests.SignIn.Saml;
using Xunit.Abstractions;

namespace Portal.Tests.SignIn.Federation;

/// <summary>The aggregate is trusted only as the federation signed it, and only while the federation vouches for it.</summary>
public sealed class AggregateVerifierTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private static FederationAggregate Verify(byte[] xml) =>
        AggregateVerifier.Verify("test", xml, TestAggregate.FederationKey, Now);

    private static string Refused(byte[] xml) => Assert.Throws<FederationMetadataException>(() => Verify(xml)).Code;

    private static TestAggregate Small(DateTimeOffset? validUntil = null) =>
        TestAggregate.Generate(20, validUntil ?? Now.AddDays(14));

    [Fact]
    public void A_signed_aggregate_of_2000_idps_loads_with_scopes_hidden_flags_and_without_its_sps()
    {
        var xml = TestAggregate.Generate(2000, Now.AddDays(14)).SignedBytes();
        var watch = Stopwatch.StartNew();
        var aggregate = Verify(xml);
        output.WriteLine($"verified and read {xml.Length / 1024} KiB, {aggregate.Providers.Count} IdPs in {watch.ElapsedMilliseconds} ms");

        Assert.Equal(2000, aggregate.Providers.Count);
        Assert.Equal(0, aggregate.SkippedEntities);
        Assert.Equal(Now.AddDays(14), aggregate.ValidUntil);
        var seventh = aggregate.Providers.Single(p => p.EntityId == TestAggregate.Generated(7).EntityId);
        Assert.Equal([new IdpScope("inst0007.example.org", false)], seventh.Scopes);
        Assert.Equal("Institution 0007 University of Helsinki", seventh.DisplayName);
        Assert.False(seventh.HideFromDiscovery);
        Assert.True(aggregate.Providers.Single(p => p.EntityId == TestAggregate.Generated(10).EntityId).HideFromDiscovery);
        Assert.Equal(200, aggregate.Providers.Count(p => p.HideFromDiscovery));
        Assert.DoesNotContain(aggregate.Providers, p => p.EntityId.Contains("sp1.example.net", StringComparison.Ordinal));
    }

    [Fact]
    public void One_changed_byte_in_an_entity_is_refused()
    {
        var xml = Small().SignedXml();
        var original = Verify(Encoding.UTF8.GetBytes(xml)); // the untouched copy is fine
        Assert.Equal(20, original.Providers.Count);
        var tampered = xml.Replace("inst0005.example.org</shibmd:Scope>", "inst0006.example.org</shibmd:Scope>", StringComparison.Ordinal);
        Assert.NotEqual(xml, tampered);
        Assert.Equal(FederationReasons.FromSaml(SamlReasons.SignatureInvalid), Refused(Encoding.UTF8.GetBytes(tampered)));
        Assert.Equal("federation.signature.invalid", FederationReasons.FromSaml(SamlReasons.SignatureInvalid));
    }

    [Fact]
    public void An_entity_added_after_signing_is_refused()
    {
        var xml = Small().SignedXml();
        var extra = $"<md:EntityDescriptor entityID=\"https://evil.example.com/idp\"></md:EntityDescriptor>";
        var tampered = xml.Replace("</md:EntitiesDescriptor>", extra + "</md:EntitiesDescriptor>", StringComparison.Ordinal);
        Assert.Equal("federation.signature.invalid", Refused(Encoding.UTF8.GetBytes(tampered)));
    }

    [Fact]
    public void An_aggregate_signed_by_another_key_is_refused()
    {
        Assert.Equal("federation.signature.invalid", Refused(Small().SignedBytes(TestKeys.Attacker)));
    }

    [Fact]
    public void An_unsigned_aggregate_is_refused()
    {
        Assert.Equal(FederationReasons.SignatureMissing, Refused(Encoding.UTF8.GetBytes(Small().UnsignedXml())));
    }

    [Fact]
    public void An_expired_aggregate_is_refused()
    {
        Assert.Equal(FederationReasons.Expired, Refused(Small(Now.AddSeconds(-1)).SignedBytes()));
        Assert.Equal(FederationReasons.Expired, Refused(Small(Now).SignedBytes()));
    }

    [Fact]
    public void ValidUntil_more_than_28_days_ahead_is_refused_and_28_days_is_accepted()
    {
        Assert.Equal(FederationReasons.ValidityTooLong, Refused(Small(Now.AddDays(28).AddSeconds(1)).SignedBytes()));
        Assert.Equal(Now.AddDays(28), Verify(Small(Now.AddDays(28)).SignedBytes()).ValidUntil);
    }

    [Fact]
    public void An_aggregate_without_validUntil_is_refused()
    {
        var aggregate = Small();
        aggregate.ValidUntil = null;
        Assert.Equal(FederationReasons.ValidUntilMissing, Refused(aggregate.SignedBytes()));
    }

    [Fact]
    public void A_DOCTYPE_is_refused_before_anything_else()
    {
        var xml = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" + Small().SignedXml();
        Assert.Equal(FederationReasons.Doctype, Refused(Encoding.UTF8.GetBytes(xml)));
    }

    [Fact]
    public void A_single_entity_document_is_not_an_aggregate()
    {
        var xml = new ResponseScenario().IdpMetadataXml();
        Assert.Equal(FederationReasons.Root, Refused(Encoding.UTF8.GetBytes(xml)));
    }

    [Fact]
    public void A_second_signature_on_the_root_is_refused()
    {
        var xml = Small().SignedXml();
        var start = xml.IndexOf("<Signature", StringComparison.Ordinal);
        var end = xml.IndexOf("</Signature>", StringComparison.Ordinal) + "</Signature>".Length;
        var doubled = xml.Insert(end, xml[start..end]);
        Assert.Equal("federation.signature.wrapping", Refused(Encoding.UTF8.GetBytes(doubled)));
    }

    [Fact]
    public void An_aggregate_without_any_idp_is_refused()
    {
        var aggregate = new TestAggregate { ValidUntil = Now.AddDays(7) };
        aggregate.Entities.Add(new TestEntity("https://sp.example.net/shibboleth", "SP", "sp.example.net", TestAggregate.GeneratedIdpKey, SpOnly: true));
        Assert.Equal(FederationReasons.NoIdentityProviders, Refused(aggregate.SignedBytes()));
    }

    [Theory]
    [InlineData(14 * 24, 0, 7 * 24 * 60)]   // fresh copy: half the remaining validity
    [InlineData(1, 0, 30)]
    [InlineData(0, 0, 1)]                    // never sooner than a minute
    [InlineData(14 * 24, 1, 1)]              // first retry after a minute
    [InlineData(14 * 24, 3, 4)]              // then doubling
    [InlineData(14 * 24, 12, 60)]            // up to an hour
    [InlineData(1, 12, 60)]                  // an hour left: the last retry is at expiry
    public void Refresh_comes_at_half_the_remaining_validity_and_retries_with_backoff(int hoursLeft, int failures, int expectedMinutes) =>
        Assert.Equal(TimeSpan.FromMinutes(expectedMinutes), FederationRefresher.NextDelay(Now.AddHours(hoursLeft), failures, Now));
}
