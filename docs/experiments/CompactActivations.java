// Would storing the activations h_k in 16 bits (halving the backward pass's memory traffic) keep gradients
// within float32 tolerance? A float64 residual MLP (tanh, d = 25, B = 64), its weight gradient computed
// from exact h_k and from h_k rounded to bf16 / fp16, as a compact store would give them back.
// Run: java docs/experiments/CompactActivations.java L delta   (JDK 20+, e.g. 50 0.1 and 50 1.0)
// Result (BENCHMARKS.md): 1e-4 to 1e-2 of the largest gradient, against the 1e-4 the gradient checks allow
// (GradientCheckTest, which the float32 kernel passes), so the kernel keeps float32 activations.
import java.util.Random;
public class CompactActivations {
  static double bf16(double x){ int b=Float.floatToRawIntBits((float)x); int r=((b>>>16)&1)+0x7FFF; return Float.intBitsToFloat((b+r)&0xFFFF0000); }
  static double fp16(double x){ return Float.float16ToFloat(Float.floatToFloat16((float)x)); }
  public static void main(String[] a){
    int d=25,L=Integer.parseInt(a[0]),B=64; Random rnd=new Random(1);
    double[][][] A=new double[L][d][d]; double[][] b=new double[L][d]; double delta=Double.parseDouble(a[1]);
    for(int k=0;k<L;k++){for(int i=0;i<d;i++){b[k][i]=0.1*rnd.nextGaussian();for(int j=0;j<d;j++)A[k][i][j]=rnd.nextGaussian()/Math.sqrt(d);}}
    double[][] x=new double[B][d], y=new double[B][d]; for(int r=0;r<B;r++)for(int i=0;i<d;i++){x[r][i]=rnd.nextDouble()*2-1;y[r][i]=rnd.nextDouble()*2-1;}
    for (int mode=0; mode<3; mode++) {
      double[][] gA = grad(A,b,delta,x,y,L,d,B,0), gC = grad(A,b,delta,x,y,L,d,B,mode);
      double scale=0, worst=0; for(int k=0;k<L;k++)for(int i=0;i<d;i++)for(int j=0;j<d;j++){scale=Math.max(scale,Math.abs(gA[k][i*d+j]));}
      for(int k=0;k<L;k++)for(int i=0;i<d*d;i++) worst=Math.max(worst,Math.abs(gA[k][i]-gC[k][i]));
      System.out.printf("L=%d delta=%s mode %s: max |dg| / max|g| = %.2e%n", L, a[1], mode==0?"exact":mode==1?"bf16":"fp16", worst/scale);
    }
  }
  static double[][] grad(double[][][] A,double[][] b,double delta,double[][] x,double[][] y,int L,int d,int B,int mode){
    double[][][] h=new double[L+1][B][d]; for(int r=0;r<B;r++)h[0][r]=x[r].clone();
    for(int k=0;k<L;k++)for(int r=0;r<B;r++)for(int i=0;i<d;i++){double z=b[k][i];for(int j=0;j<d;j++)z+=A[k][i][j]*h[k][r][j];h[k+1][r][i]=h[k][r][i]+delta*Math.tanh(z);}
    double[][] g=new double[B][d]; for(int r=0;r<B;r++)for(int i=0;i<d;i++)g[r][i]=2*(h[L][r][i]-y[r][i])/(B*d);
    double[][] gA=new double[L][d*d];
    for(int k=L-1;k>=0;k--){
      double[][] hk=new double[B][d]; for(int r=0;r<B;r++)for(int j=0;j<d;j++){double v=h[k][r][j]; hk[r][j]= mode==1?bf16(v):mode==2?fp16(v):v;}
      double[][] gn=new double[B][d];
      for(int r=0;r<B;r++){ double[] gz=new double[d];
        for(int i=0;i<d;i++){double z=b[k][i];for(int j=0;j<d;j++)z+=A[k][i][j]*hk[r][j];double t=Math.tanh(z);gz[i]=g[r][i]*delta*(1-t*t);}
        for(int i=0;i<d;i++)for(int j=0;j<d;j++)gA[k][i*d+j]+=gz[i]*hk[r][j];
        for(int j=0;j<d;j++){double s=g[r][j];for(int i=0;i<d;i++)s+=A[k][i][j]*gz[i];gn[r][j]=s;}
      }
      g=gn;
    }
    return gA;
  }
}
