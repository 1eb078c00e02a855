# Writes test/linalg/extrasReference.ts (run with a Python that has torch 1.13: /usr/bin/python3 test/linalg/extrasReference.py).
import torch, json, os
torch.set_default_dtype(torch.float64)
def T(x, requires_grad=False): return torch.tensor(x, dtype=torch.float64, requires_grad=requires_grad)
A1=[[0.5,-1.2,0.3],[0.8,0.1,-0.7],[-0.4,0.9,1.1]]
TALL=[[1,2,0.5],[0.3,-1,2],[1.5,0.2,-0.4],[-0.7,1.1,0.9]]
WIDE=[[1,-0.5,2,0.3],[0.4,1.2,-1,0.8]]
RD=[[1,2,3],[0,1,1],[1,0,1],[2,1,3]]
B=[[1,0],[2,1],[-1,3],[0.5,-2]]
BW=[[1,-1],[0.5,2]]
out={}
def r(x): return x.detach().tolist()
def vjp(f, *args, w=None):
    xs=[T(a,requires_grad=True) for a in args]
    y=f(*xs)
    if w is None:
        g=torch.sin(torch.arange(y.numel(),dtype=torch.float64)+1).reshape(y.shape)
    else: g=w
    (y*g).sum().backward()
    return r(y), [r(x.grad) for x in xs]
# lstsq
for name,a,b in [('tall',TALL,B),('wide',WIDE,BW)]:
    x=torch.linalg.lstsq(T(a),T(b),driver='gelsd')
    out['lstsq_'+name]={'x':r(x.solution),'s':r(x.singular_values),'rank':int(x.rank)}
    y,g=vjp(lambda a,b: torch.linalg.lstsq(a,b,driver='gelsd').solution if a.shape[0]>=a.shape[1] else torch.linalg.pinv(a)@b, a, b)
    out['lstsq_'+name]['ga']=g[0]; out['lstsq_'+name]['gb']=g[1]
x=torch.linalg.lstsq(T(RD,),T(B),driver='gelsd')
out['lstsq_rd']={'x':r(x.solution),'s':r(x.singular_values),'rank':int(x.rank)}
# pinv
for name,a in [('tall',TALL),('wide',WIDE),('rd',RD)]:
    y,g=vjp(lambda a: torch.linalg.pinv(a), a)
    out['pinv_'+name]={'p':y,'g':g[0]}
S=[[2,1,0],[1,2,1],[0,1,2]]
out['pinv_herm']=r(torch.linalg.pinv(T(S),hermitian=True))
# matrix power
for k in [0,1,2,3,5,-1,-3,7]:
    y,g=vjp(lambda a: torch.linalg.matrix_power(a,k), A1)
    out['mpow_%d'%k]={'y':y,'g':g[0]}
# multi_dot
M1=[[1,2],[3,4],[5,6]]; M2=[[0.5,-1,2,0],[1,1,-1,3]]; M3=[[1],[2],[-1],[0.5]]
out['multidot']=r(torch.linalg.multi_dot([T(M1),T(M2),T(M3)]))
# expm
for sc in [0.005,0.1,0.4,0.9,1,10,40]:
    a=(T(A1)*sc).tolist()
    y,g=vjp(lambda a: torch.linalg.matrix_exp(a), a)
    out['expm_%g'%sc]={'a':a,'y':y,'g':g[0]}
lines=['/** @file Reference values for the linalg extras, from PyTorch 1.13 in float64 (values, and autograd gradients of Σ w∘f with w = sin(1…N)), by test/linalg/extrasReference.py. */','export const REF: Readonly<Record<string, unknown>> = {']
lines += [f'  {json.dumps(k)}: {json.dumps(v, separators=(", ", ": "))},' for k, v in out.items()]
lines.append('};')
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'extrasReference.ts'), 'w').write('\n'.join(lines) + '\n')
