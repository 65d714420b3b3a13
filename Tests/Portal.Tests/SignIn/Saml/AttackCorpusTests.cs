using Portal.Features.SignIn.Saml;

namespace Portal.Tests.SignIn.Saml;

/// <summary>Every attack of the corpus, one at a time, on the otherwise valid response.</summary>
public class AttackCorpusTests
{
    public static TheoryData<string> Names() => [.. SamlAttackCorpus.All.Select(a => a.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Attack_is_rejected_with_its_own_reason(string name)
    {
        var attack = SamlAttackCorpus.All.Single(a => a.Name == name);
        var scenario = new ResponseScenario();
        attack.Mutate(scenario);

        var result = await scenario.ValidateAsync();

        Assert.False(result.Succeeded);
        Assert.Null(result.Identity);
        Assert.Equal(attack.ExpectedReason, result.Failure?.Code);
        Assert.Equal(SamlReasons.Describe(attack.ExpectedReason), result.Failure?.Message);
    }

    [Theory]
    [InlineData(20_000)]
    [InlineData(65)]
    public async Task Nesting_deeper_than_the_limit_is_refused_at_parsing(int depth)
    {
        var scenario = new ResponseScenario();
        scenario.TamperText.Add(x => SamlAttackCorpus.DeepInAttributeValue(x, depth));

        var result = await scenario.ValidateAsync();

        Assert.Equal(SamlReasons.Structure, result.Failure?.Code);
        Assert.Contains($"nested deeper than {SafeXml.MaxDepth} levels", result.Failure?.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_within_the_limit_passes_the_depth_check()
    {
        var xml = "<r>" + string.Concat(Enumerable.Repeat("<a>", SafeXml.MaxDepth - 1)) + string.Concat(Enumerable.Repeat("</a>", SafeXml.MaxDepth - 1)) + "</r>";
        var document = SafeXml.Load(System.Text.Encoding.UTF8.GetBytes(xml));
        Assert.Equal("r", document.DocumentElement?.Name);
        var deeper = "<r>" + string.Concat(Enumerable.Repeat("<a>", SafeXml.MaxDepth)) + string.Concat(Enumerable.Repeat("</a>", SafeXml.MaxDepth)) + "</r>";
        Assert.Throws<SamlValidationException>(() => SafeXml.Load(System.Text.Encoding.UTF8.GetBytes(deeper)));
    }

    [Fact]
    public void Corpus_names_are_unique_and_cover_the_checklist_attacks()
    {
        var names = SamlAttackCorpus.All.Select(a => a.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        string[] required =
        [
            "XSW1", "XSW2", "XSW3", "XSW4", "XSW5", "XSW6", "XSW7", "XSW8", "signature stripped", "key not in metadata",
            "embedded certificate substituted", "comment in NameID", "DOCTYPE", "duplicate ID", "two assertions",
            "another audience", "expired", "not yet valid", "replayed", "wrong Destination", "wrong Recipient",
            "unknown InResponseTo", "unsolicited", "SHA-1 signature", "XSLT transform", "open-redirect RelayState",
            "oversized response", "Issuer is another IdP", "status not success", "AES-GCM", "AES-CBC",
        ];
        Assert.All(required, r => Assert.Contains(names, n => n.Contains(r, StringComparison.Ordinal)));
    }
}
