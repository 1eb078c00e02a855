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
# spectral functions, norms
SYM=[[2,-1,0.5],[-1,3,0.2],[0.5,0.2,1]]
y,g=vjp(lambda a: torch.linalg.eigvalsh(a), SYM); out['eigvalsh']={'y':y,'g':g[0]}
y,g=vjp(lambda a: torch.linalg.svdvals(a), TALL); out['svdvals']={'y':y,'g':g[0]}
out['rank']={'a1':int(torch.linalg.matrix_rank(T(A1))),'rd':int(torch.linalg.matrix_rank(T(RD))),'rd_tol':int(torch.linalg.matrix_rank(T(RD),atol=1.5,rtol=0))}
for p_ in [None,2,-2,1,-1,float('inf'),float('-inf'),'fro','nuc']:
    key='cond_'+str(p_)
    # torch 1.13's cond backward fails for p ∉ {None, ±2}: its gradient through ‖a‖·‖a⁻¹‖ instead
    f=(lambda a: torch.linalg.cond(a,p_)) if p_ in (None,2,-2) else (lambda a: torch.linalg.matrix_norm(a,p_)*torch.linalg.matrix_norm(torch.linalg.inv(a),p_))
    y,g=vjp(f, A1)
    out[key]={'y':y,'g':g[0],'torch':r(torch.linalg.cond(T(A1),p_))}
out['cond_tall']=r(torch.linalg.cond(T(TALL)))
X3=[[[1,-2,3],[0.5,4,-1]],[[2,2,-2],[1,0,-3]]]
out['vnorm']={'all':r(torch.linalg.vector_norm(T(X3))),'ord1_d12':r(torch.linalg.vector_norm(T(X3),1,dim=(1,2))),'inf_d0':r(torch.linalg.vector_norm(T(X3),float('inf'),dim=0)),'p3_d_1':r(torch.linalg.vector_norm(T(X3),3,dim=-1)),'ord0':r(torch.linalg.vector_norm(T(X3),0))}
out['mnorm']={'fro':r(torch.linalg.matrix_norm(T(X3))),'nuc':r(torch.linalg.matrix_norm(T(X3),'nuc')),'m2':r(torch.linalg.matrix_norm(T(X3),-2)),'inf':r(torch.linalg.matrix_norm(T(X3),float('inf'))),'one_d02':r(torch.linalg.matrix_norm(T(X3),1,dim=(0,2)))}
# LU
LA=[[1,2,0.5,-1],[3,-1,2,0.4],[0.2,0.7,-2,1],[-4,1,0.3,2]]
P_,L_,U_=torch.linalg.lu(T(LA))
xs=T(LA,requires_grad=True); P2,L2,U2=torch.linalg.lu(xs)
wl=torch.sin(torch.arange(16,dtype=torch.float64)+1).reshape(4,4); wu=torch.cos(torch.arange(16,dtype=torch.float64)+1).reshape(4,4)
((L2*wl).sum()+(U2*wu).sum()).backward()
LUf,piv=torch.linalg.lu_factor(T(LA))
BL=[[1,0],[2,1],[-1,3],[0.5,-2]]
xsol=torch.linalg.lu_solve(LUf,piv,T(BL))
out['lu']={'p':r(P_),'l':r(L_),'u':r(U_),'g':r(xs.grad),'lu':r(LUf),'piv':[int(v)-1 for v in piv],'x':r(xsol)}
for name,a in [('tall',TALL),('wide',WIDE)]:
    P3,L3,U3=torch.linalg.lu(T(a))
    xs=T(a,requires_grad=True); P4,L4,U4=torch.linalg.lu(xs)
    wl=torch.sin(torch.arange(L4.numel(),dtype=torch.float64)+1).reshape(L4.shape); wu=torch.cos(torch.arange(U4.numel(),dtype=torch.float64)+1).reshape(U4.shape)
    ((L4*wl).sum()+(U4*wu).sum()).backward()
    LUr,pivr=torch.linalg.lu_factor(T(a))
    out['lu_'+name]={'p':r(P3),'l':r(L3),'u':r(U3),'g':r(xs.grad),'lu':r(LUr),'piv':[int(v)-1 for v in pivr]}
lines=['/** @file Reference values for the linalg extras, from PyTorch 1.13 in float64 (values, and autograd gradients of Σ w∘f with w = sin(1…N)), by test/linalg/extrasReference.py. */','export const REF: Readonly<Record<string, unknown>> = {']
lines += [f'  {json.dumps(k)}: {json.dumps(v, separators=(", ", ": "))},' for k, v in out.items()]
lines.append('};')
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'extrasReference.ts'), 'w').write('\n'.join(lines) + '\n')
