// Pieces of a minified production bundle (vite/webpack style): short identifiers, long generated ones,
// inlined images and hashes, config objects with apiKey fields. The bundle is one line of a few hundred KB.
import { ALNUM, LOWER } from './random.mjs';
import { namesFor } from './vocab.mjs';

const id = (rng) => rng.chars(LOWER, 1) + (rng.chance(0.5) ? rng.chars(ALNUM, rng.int(0, 2)) : '');

export const bundleChunks = [
  (rng) => `function ${id(rng)}(e,t){if(!(e instanceof t))throw new TypeError("Cannot call a class as a function")}`,
  (rng, v = namesFor(rng)) => `var ${id(rng)}=function(e){var t=e.token,n=e.apiKey,r=e.baseUrl;return fetch(r+"/api/${v.nouns}",{headers:{Authorization:"Bearer "+t,"X-Api-Key":n}}).then(function(e){if(401===e.status)throw new Error("session expired");return e.json()})}`,
  (rng, v = namesFor(rng)) => `${id(rng)}.createElement("div",{className:"${v.noun}-card flex items-center gap-${v.n}",onClick:function(){return ${id(rng)}(!${id(rng)})}},${id(rng)}.createElement("span",null,"${v.Verb} ${v.noun}"))`,
  (rng) => `var ${id(rng)}={VITE_API_URL:"https://api.example.com",MODE:"production",DEV:!1,PROD:!0,SSR:!1,BASE_URL:"/"}`,
  (rng) => `const ${id(rng)}=${id(rng)}.__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED,${id(rng)}=Symbol.for("react.element")`,
  (rng) => `function ${id(rng)}(e){return"Minified React error #"+e+"; visit https://reactjs.org/docs/error-decoder.html?invariant="+e+" for the full message"}`,
  (rng) => `var __vite__mapDeps=(i,m=__vite__mapDeps,d=m.f||(m.f=["assets/index-${rng.chars(ALNUM, 8)}.js","assets/vendor-${rng.chars(ALNUM, 8)}.js","assets/index-${rng.chars(ALNUM, 8)}.css"]))=>i.map(i=>d[i])`,
  (rng) => `${id(rng)}.prototype._reactInternalInstanceHandleChangeSubscriptionCallbackQueueForConcurrentRendering${rng.chars(ALNUM, 6)}=function(){}`,
  (rng) => `var ${id(rng)}="data:image/svg+xml;base64,${Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${rng.int(16, 64)} 24"><path d="M${rng.int(1, 9)} 2h12v20H${rng.int(1, 9)}z"/></svg>`).toString('base64')}"`,
  (rng) => `${id(rng)}.exports=function(e){var t=e.password,n=e.confirmPassword;return t.length<12?"Password must be at least 12 characters":t!==n?"Passwords do not match":null}`,
  (rng) => `const ${id(rng)}=new Map([["${rng.hex(8)}",${rng.int(0, 999)}],["${rng.hex(8)}",${rng.int(0, 999)}],["${rng.hex(8)}",${rng.int(0, 999)}]])`,
  (rng) => `function ${id(rng)}(e){for(var t=1;t<arguments.length;t++){var n=null!=arguments[t]?arguments[t]:{};t%2?${id(rng)}(Object(n),!0).forEach(function(t){${id(rng)}(e,t,n[t])}):Object.getOwnPropertyDescriptors?Object.defineProperties(e,Object.getOwnPropertyDescriptors(n)):${id(rng)}(Object(n)).forEach(function(t){Object.defineProperty(e,t,Object.getOwnPropertyDescriptor(n,t))})}return e}`,
  (rng) => `localStorage.getItem("token")&&${id(rng)}({type:"auth/restore",payload:{token:localStorage.getItem("token"),refreshToken:localStorage.getItem("refreshToken")}})`,
  (rng, v = namesFor(rng)) => `var ${id(rng)}=[${Array.from({ length: rng.int(6, 20) }, () => `"${v.noun}.${rng.chars(LOWER, rng.int(4, 12))}"`).join(',')}]`,
];

export function bundleConfigPlant(rng, key, provider) {
  return `var ${id(rng)}={apiKey:"${key}",baseURL:"https://api.${provider}.com/v1",maxRetries:2,timeout:6e4}`;
}
