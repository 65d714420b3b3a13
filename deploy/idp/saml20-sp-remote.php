<?php
// The portal as the one SP these IdPs serve: assertions signed (SHA-256), attributes under urn:oid names,
// encryption to the portal's published certificate when deploy/idp.sh was started with IDP_ENCRYPT=1.
declare(strict_types=1);

require_once __DIR__ . '/settings.php';
$s = demo_idp_settings();
$sp = $s['sp_base_url'];

$metadata[$sp . '/saml/metadata'] = [
    'AssertionConsumerService' => [
        ['Binding' => 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', 'Location' => $sp . '/saml/acs', 'index' => 0],
    ],
    'SingleLogoutService' => [
        ['Binding' => 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', 'Location' => $sp . '/saml/slo'],
    ],
    'saml20.sign.assertion' => true,
    'saml20.sign.response' => false,
    'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
    'authproc' => [
        50 => [
            'class' => 'core:AttributeLimit',
            'displayName', 'mail', 'eduPersonPrincipalName', 'eduPersonScopedAffiliation', 'schacHomeOrganization',
            'subject-id', 'eduPersonEntitlement',
        ],
        90 => [
            'class' => 'core:AttributeMap',
            'name2oid',
            'subject-id' => 'urn:oasis:names:tc:SAML:attribute:subject-id',
        ],
    ],
];

// The portal's keys: encryption for assertions, signing for its logout messages.
$keys = [];
if ($s['sp_encryption_cert'] !== null) {
    $metadata[$sp . '/saml/metadata']['assertion.encryption'] = true;
    $keys[] = ['type' => 'X509Certificate', 'encryption' => true, 'signing' => false, 'X509Certificate' => $s['sp_encryption_cert']];
}
if (($s['sp_signing_cert'] ?? null) !== null) {
    $keys[] = ['type' => 'X509Certificate', 'encryption' => false, 'signing' => true, 'X509Certificate' => $s['sp_signing_cert']];
    // Single Logout both ways over HTTP-Redirect: the portal's requests must be signed, and so are the IdP's.
    $metadata[$sp . '/saml/metadata']['sign.logout'] = true;
    $metadata[$sp . '/saml/metadata']['validate.logout'] = true;
}
if ($keys !== []) {
    $metadata[$sp . '/saml/metadata']['keys'] = $keys;
}
