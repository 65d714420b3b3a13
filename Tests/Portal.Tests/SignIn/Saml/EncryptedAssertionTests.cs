using System.Xml;
using Portal.Features.SignIn.Saml;

namespace Portal.Tests.SignIn.Saml;

/// <summary>Encrypted assertions: both AES modes accepted when intact, and the signed-inside/outside rules.</summary>
public class EncryptedAssertionTests
{
    [Theory]
    [InlineData(AssertionEncryption.Aes256Cbc)]
    [InlineData(AssertionEncryption.Aes128Gcm)]
    [InlineData(AssertionEncryption.Aes256Gcm)]
    public async Task Encrypted_signed_assertion_is_decrypted_and_accepted(AssertionEncryption kind)
    {
        var scenario = new ResponseScenario { Encryption = kind };
        var result = await scenario.ValidateAsync();
        Assert.True(result.Succeeded, $"{result.Failure?.Code}: {result.Failure?.Detail}");
        Assert.True(result.WasEncrypted);
        Assert.Equal("alice-4711@hospital.example.org", result.Identity!.UserId);
        Assert.Equal(ResponseScenario.AssertionId, result.AssertionId);
    }

    [Fact]
    public async Task Signed_outside_unsigned_inside_is_accepted()
    {
        var scenario = new ResponseScenario { Encryption = AssertionEncryption.Aes256Gcm, SignAssertion = false, SignResponse = true };
        Assert.True((await scenario.ValidateAsync()).Succeeded);
    }

    [Fact]
    public async Task Signed_outside_and_inside_is_accepted()
    {
        var scenario = new ResponseScenario { Encryption = AssertionEncryption.Aes256Cbc, SignResponse = true };
        Assert.True((await scenario.ValidateAsync()).Succeeded);
    }

    [Fact]
    public async Task Signed_outside_but_inner_signature_broken_is_rejected()
    {
        // An inner signature, when present, must verify even if the Response signature already covers it.
        var scenario = new ResponseScenario { Encryption = AssertionEncryption.Aes256Gcm, SignResponse = true };
        scenario.AfterAssertionSigned.Add(d => ResponseScenario.Find(d, "NameID").InnerText = "admin");
        Assert.Equal(SamlReasons.SignatureInvalid, (await scenario.ValidateAsync()).Failure?.Code);
    }

    [Fact]
    public async Task Decrypted_assertion_gets_every_content_check()
    {
        var scenario = new ResponseScenario { Encryption = AssertionEncryption.Aes256Gcm, Audience = "https://other.example.org" };
        Assert.Equal(SamlReasons.Audience, (await scenario.ValidateAsync()).Failure?.Code);
    }

    [Fact]
    public async Task Comment_inside_a_decrypted_value_is_refused()
    {
        var scenario = new ResponseScenario { Encryption = AssertionEncryption.Aes256Gcm };
        scenario.AfterAssertionSigned.Add(d => ResponseScenario.Find(d, "NameID").AppendChild(d.CreateComment("x")));
        Assert.Equal(SamlReasons.TextComment, (await scenario.ValidateAsync()).Failure?.Code);
    }

    [Fact]
    public async Task Second_SP_key_still_decrypts_during_rollover()
    {
        var scenario = new ResponseScenario
        {
            Encryption = AssertionEncryption.Aes256Gcm,
            SpDecryptionKeys = [TestKeys.UnrelatedEncryption, TestKeys.SpEncryption],
        };
        Assert.True((await scenario.ValidateAsync()).Succeeded);
    }

    [Fact]
    public async Task Unsupported_data_algorithm_is_refused()
    {
        var scenario = new ResponseScenario { Encryption = AssertionEncryption.Aes256Cbc };
        scenario.Tamper.Add(d => ((XmlElement)d.GetElementsByTagName("EncryptionMethod", SamlNames.XEnc)[0]!)
            .SetAttribute("Algorithm", "http://www.w3.org/2001/04/xmlenc#tripledes-cbc"));
        Assert.Equal(SamlReasons.EncryptionAlgorithm, (await scenario.ValidateAsync()).Failure?.Code);
    }

    [Fact]
    public async Task Encrypted_assertion_without_SP_key_is_a_decryption_failure()
    {
        var scenario = new ResponseScenario { Encryption = AssertionEncryption.Aes256Gcm, SpDecryptionKeys = [] };
        Assert.Equal(SamlReasons.Decryption, (await scenario.ValidateAsync()).Failure?.Code);
    }
}
